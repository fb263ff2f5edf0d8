/** The error for a text module that the WAT parser rejected (its own file: the JSON runner does not load the parser). */
export class TextRejected extends Error {
  override name = 'TextRejected';
}
