/** The engine warm-up a worker does until its first job: it stores nothing, so what it evaluates and when it stops is all there is. */
import { WARM_UP_POSITIONS, warmUpEngine } from '../../src/runs/warm-up';

test('When nothing stops it, then it evaluates WARM_UP_POSITIONS positions and says it was not interrupted', async () => {
  expect(await warmUpEngine(() => false)).toMatchObject({ positions: WARM_UP_POSITIONS, interrupted: false });
});

test('When it is told to stop, then it stops before its next slice with the positions done so far', async () => {
  let asked = 0;
  const warm = await warmUpEngine(() => ++asked > 3, 6400);
  expect(warm).toMatchObject({ positions: 300, interrupted: true });
  expect(asked).toBe(4);
});

test('When the stop comes from another event-loop callback, then the warm-up sees it: it yields a turn before every slice', async () => {
  let stop = false;
  setImmediate(() => (stop = true));
  const warm = await warmUpEngine(() => stop, 6400);
  expect(warm.interrupted).toBe(true);
  expect(warm.positions).toBeLessThanOrEqual(200);
});
