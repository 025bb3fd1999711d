import { expect } from "chai";

/** Awaits `promise`, expects it to reject with a message matching `pattern`, and returns the error. */
export async function expectRejection(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, `expected a rejection matching ${pattern}`).to.be.instanceOf(Error);
  expect((error as Error).message).to.match(pattern);
  return error as Error;
}
