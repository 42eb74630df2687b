/** Redaction: the one helper every log line (broker, app and bridge) goes through before it is written. */

const REDACTIONS: readonly [RegExp, string][] = [
  // JWTs (access tokens, id tokens): header.payload.signature
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  // Authorization headers
  [/\b(Bearer|Basic|PoP)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  // key=value / "key": "value" forms of secret fields
  [
    /(["']?\b(?:access_?token|refresh_?token|id_?token|client_?secret|code_?verifier|code|password|key|secret|assertion|device_?code)\b["']?\s*[:=]\s*["']?)([^"'&\s,}]{6,})/gi,
    '$1[REDACTED]',
  ],
  // Long hex strings (the broker key and similar)
  [/\b[0-9a-f]{48,}\b/gi, '[REDACTED_HEX]'],
];

/** Removes token-shaped strings and secret fields from a log line. Extra known secrets are masked too. */
export function redactSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED]');
  }
  for (const [re, replacement] of REDACTIONS) out = out.replace(re, replacement);
  return out;
}
