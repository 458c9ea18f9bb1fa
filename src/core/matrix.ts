/**
 * `Matrix`: a dense row-major matrix over one Float64Array (`data[i * cols + j]`). Operations return new matrices
 * and never write into their operands. Kept deliberately small: the hot numeric kernels elsewhere work on the raw
 * `data` arrays directly.
 */
import { numericError } from './errors.ts';

export class Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;

  constructor(rows: number, cols: number, data?: Float64Array) {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw numericError(`Matrix shape must be non-negative integers, got ${rows} × ${cols}.`);
    }
    if (data && data.length !== rows * cols) {
      throw numericError(`Matrix data has ${data.length} values, expected ${rows} × ${cols} = ${rows * cols}.`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data ?? new Float64Array(rows * cols);
  }

  static zeros(rows: number, cols: number): Matrix {
    return new Matrix(rows, cols);
  }

  static identity(n: number): Matrix {
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
    return m;
  }

  static diag(values: ArrayLike<number>): Matrix {
    const n = values.length;
    const m = new Matrix(n, n);
    for (let i = 0; i < n; i++) m.data[i * n + i] = values[i]!;
    return m;
  }

  static fromRows(rows: readonly (readonly number[])[] | readonly ArrayLike<number>[]): Matrix {
    const r = rows.length;
    const c = r === 0 ? 0 : rows[0]!.length;
    const m = new Matrix(r, c);
    for (let i = 0; i < r; i++) {
      const row = rows[i]!;
      if (row.length !== c) throw numericError(`Matrix.fromRows: row ${i} has ${row.length} values, row 0 has ${c}.`);
      for (let j = 0; j < c; j++) m.data[i * c + j] = row[j]!;
    }
    return m;
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  row(i: number): Float64Array {
    return this.data.slice(i * this.cols, (i + 1) * this.cols);
  }

  col(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0; i < this.rows; i++) out[i] = this.data[i * this.cols + j]!;
    return out;
  }

  diagonal(): Float64Array {
    const n = Math.min(this.rows, this.cols);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.data[i * this.cols + i]!;
    return out;
  }

  clone(): Matrix {
    return new Matrix(this.rows, this.cols, this.data.slice());
  }

  transpose(): Matrix {
    const { rows: r, cols: c, data } = this;
    const out = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j]!;
    return new Matrix(c, r, out);
  }

  /** this · B, i-k-j loop order so the inner loop runs along contiguous rows. */
  matmul(b: Matrix): Matrix {
    if (this.cols !== b.rows)
      throw numericError(`matmul: ${this.rows}×${this.cols} cannot multiply ${b.rows}×${b.cols}.`);
    const n = this.rows;
    const k = this.cols;
    const m = b.cols;
    const a = this.data;
    const bd = b.data;
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      const oi = i * m;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p]!;
        if (aip === 0) continue;
        const bp = p * m;
        for (let j = 0; j < m; j++) out[oi + j]! += aip * bd[bp + j]!;
      }
    }
    return new Matrix(n, m, out);
  }

  /** this · v for a vector v of length cols. */
  mulVec(v: ArrayLike<number>): Float64Array {
    if (v.length !== this.cols)
      throw numericError(`mulVec: matrix has ${this.cols} columns, vector has ${v.length} values.`);
    const out = new Float64Array(this.rows);
    const { cols: c, data } = this;
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      const o = i * c;
      for (let j = 0; j < c; j++) s += data[o + j]! * v[j]!;
      out[i] = s;
    }
    return out;
  }

  /** vᵀ · this · v for a square matrix (a quadratic form such as a portfolio variance). */
  quadForm(v: ArrayLike<number>): number {
    const mv = this.mulVec(v);
    let s = 0;
    for (let i = 0; i < mv.length; i++) s += mv[i]! * v[i]!;
    return s;
  }

  add(b: Matrix): Matrix {
    this.assertSameShape(b, 'add');
    const out = this.data.slice();
    for (let i = 0; i < out.length; i++) out[i]! += b.data[i]!;
    return new Matrix(this.rows, this.cols, out);
  }

  sub(b: Matrix): Matrix {
    this.assertSameShape(b, 'sub');
    const out = this.data.slice();
    for (let i = 0; i < out.length; i++) out[i]! -= b.data[i]!;
    return new Matrix(this.rows, this.cols, out);
  }

  scale(s: number): Matrix {
    const out = this.data.slice();
    for (let i = 0; i < out.length; i++) out[i]! *= s;
    return new Matrix(this.rows, this.cols, out);
  }

  isSquare(): boolean {
    return this.rows === this.cols;
  }

  /** True when |a_ij − a_ji| ≤ tol · max(1, |a_ij|) for every pair. */
  isSymmetric(tol = 1e-10): boolean {
    if (!this.isSquare()) return false;
    const n = this.rows;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const a = this.data[i * n + j]!;
        const b = this.data[j * n + i]!;
        if (Math.abs(a - b) > tol * Math.max(1, Math.abs(a))) return false;
      }
    }
    return true;
  }

  toRows(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  private assertSameShape(b: Matrix, op: string): void {
    if (b.rows !== this.rows || b.cols !== this.cols) {
      throw numericError(`${op}: shapes differ, ${this.rows}×${this.cols} vs ${b.rows}×${b.cols}.`);
    }
  }
}
