/** A method's request and response types; domain files declare maps of these. */
export interface Method<Req, Res> {
  req: Req;
  res: Res;
}
/** For methods that take no arguments. */
export type NoArgs = Record<string, never>;
