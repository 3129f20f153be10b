import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../../../main/compute/errors.js';
import { assertFinite, countNonFinite, fromRows, tensor, toRows, zeros } from '../../../main/compute/tensor.js';

describe('tensors', () => {
  it('wrap typed arrays without copying and take their dtype from them', () => {
    const data = new Float32Array(6);
    const t = tensor(data, [2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.data).toBe(data);
    expect(tensor(new Float64Array(3)).shape).toEqual([3]);
    expect(zeros('float64', [2, 0]).data).toHaveLength(0);
  });

  it('refuse shapes that do not match the data or are not sizes', () => {
    expect(() => tensor(new Float64Array(5), [2, 3])).toThrow(/\[2, 3\] holds 6 values but the data has 5/);
    expect(() => tensor(new Float64Array(2), [-1, -2])).toThrow(ShapeError);
    expect(() => tensor(new Float64Array(2), [2.5])).toThrow(ShapeError);
  });

  it('converts between rows and row-major matrices', () => {
    const rows = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const m = fromRows(rows);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(toRows(m)).toEqual(rows);
    expect(() => fromRows([[1, 2], [3]])).toThrow(ShapeError);
  });

  it('counts NaN and ±Inf and names the first bad entry', () => {
    const t = fromRows([
      [1, 2, 3],
      [4, Infinity, NaN],
    ]);
    expect(countNonFinite(t)).toEqual({ count: 2, firstIndex: 4 });
    expect(() => assertFinite(t, 'factor B')).toThrow('factor B has 2 non-finite values (first at [1, 1]: Infinity)');
    const err = (() => {
      try {
        assertFinite(t, 'x');
      } catch (e) {
        return e as NonFiniteError;
      }
    })();
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(err?.count).toBe(2);
    expect(() => assertFinite(fromRows([[1, -1e308]]), 'ok')).not.toThrow();
  });
});
