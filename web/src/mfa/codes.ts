// What a person types as a second-factor code, made into what the server expects, and the
// enrolment's secret and QR code made fit to show.

/** Digits of other scripts a phone keyboard may produce, by the code point of their zero:
 * Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), Devanagari, Bengali, full-width. */
const ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0xff10];

/** `text` with every digit of the scripts above replaced by its ASCII digit. */
export function asciiDigits(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const zero = ZEROS.find((z) => code >= z && code <= z + 9);
    out += zero === undefined ? char : String(code - zero);
  }
  return out;
}

/** A typed authenticator code as the server wants it (six ASCII digits), or null when what
 * was typed is not six digits: `١٢٣ ٤٥٦` → `123456`. */
export function totpCode(typed: string): string | null {
  const code = asciiDigits(typed).replace(/[\s\u00a0\u200e\u200f\u2068\u2069-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** A typed recovery code: ASCII digits, trimmed. The server ignores case, spaces and dashes. */
export function recoveryCode(typed: string): string {
  return asciiDigits(typed).trim();
}

/** What to send to confirm a sensitive action: a six-digit code (in any digits, with spaces)
 * becomes ASCII digits when the person uses a second factor; anything else is their password,
 * sent as typed. Passwords are at least ten characters, so nothing is taken for the other. */
export function confirmation(typed: string, secondFactor: boolean): string {
  if (!secondFactor) return typed;
  return totpCode(typed) ?? typed;
}

/** The base32 secret in groups of four, for typing into an authenticator app by hand. */
export function groupSecret(secret: string): string {
  return (secret.replace(/\s/g, '').match(/.{1,4}/g) ?? []).join(' ');
}

/** The server's QR code (an SVG document, as text) as an image address. An SVG shown through
 * <img> runs no script and loads nothing, and the page's Content-Security-Policy allows
 * `data:` images; the markup is never put into the page itself. */
export function svgImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
