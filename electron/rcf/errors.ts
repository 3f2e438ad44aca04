/** Input the forest cannot work with (NaN, infinities, shape mismatches, bad hyperparameters). */
export class RcfInputError extends Error {
  override name = 'RcfInputError';
}
