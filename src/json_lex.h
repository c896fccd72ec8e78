/*
 * json_lex: the tokenizer's scanners for strings and numbers.  Private to
 * the json module (json.c); everyone else uses json.h.
 *
 * Each scanner takes a cursor *p at the first byte of the item and the end
 * of the input, never reads at or past end, and returns JSON_OK with *p
 * just past the item, or a JSON_E_* code with *p at the byte where the
 * problem was found (end when the input stops short of a complete item).
 */
#ifndef SP_JSON_LEX_H
#define SP_JSON_LEX_H

/*
 * A string, *p at its opening quote: escapes (surrogates paired), UTF-8
 * and the absence of control characters are checked.  *esc is set to 1 if
 * the string holds a backslash escape, else left alone.
 */
int json_lex_string(
	const unsigned char **p, const unsigned char *end, int *esc);

/*
 * A number, *p at its first byte: -?(0|[1-9][0-9]*)(.[0-9]+)?
 * ([eE][+-]?[0-9]+)?, and the byte after it (if any) must not be one that
 * could only continue a malformed number ("01", "1.2.3", "1e5e", "1-2").
 */
int json_lex_number(const unsigned char **p, const unsigned char *end);

#endif
