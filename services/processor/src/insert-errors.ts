/**
 * ClickHouse error codes that mean "this data cannot be inserted", as opposed
 * to "ClickHouse cannot take inserts right now". Only the former may send a
 * message to the dead-letter stream; everything else is retried.
 */
const DATA_ERROR_CODES = new Set([
  '6', // CANNOT_PARSE_TEXT
  '26', // CANNOT_PARSE_QUOTED_STRING
  '27', // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  '32', // ATTEMPT_TO_READ_AFTER_EOF
  '38', // CANNOT_PARSE_DATE
  '41', // CANNOT_PARSE_DATETIME
  '53', // TYPE_MISMATCH
  '69', // ARGUMENT_OUT_OF_BOUND
  '70', // CANNOT_CONVERT_TYPE
  '72', // CANNOT_PARSE_NUMBER
  '117', // INCORRECT_DATA
  '131', // TOO_LARGE_STRING_SIZE
  '376', // CANNOT_PARSE_UUID
  '691', // UNKNOWN_ELEMENT_OF_ENUM
]);

/**
 * Codes vary between releases for the same problem (18.16 reports an unknown
 * enum value as 49, LOGICAL_ERROR; current releases as 691), so the message
 * ClickHouse writes while parsing input counts too.
 */
const DATA_ERROR_TEXT = /Unknown element .* for type Enum|Cannot parse|while read(?:ing)? the value of key|Unknown field found while parsing/i;

/** The ClickHouse error code, also from 18.16's "Code: N, e.displayText() = …" text, which the client does not parse. */
function clickhouseCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^\d+$/.test(code)) return code;
  return /^Code: (\d+),/.exec(String((err as Error)?.message))?.[1];
}

export function isDataError(err: unknown): boolean {
  const code = clickhouseCode(err);
  if (code === undefined) return false;
  return DATA_ERROR_CODES.has(code) || DATA_ERROR_TEXT.test(String((err as Error).message));
}
