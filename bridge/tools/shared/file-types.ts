/**
 * Which files read_file may show inline, and the Content-Type upload_file sends.
 */

const TEXT_EXTENSIONS: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  markdown: 'text/markdown',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  jsonc: 'application/json',
  xml: 'application/xml',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  log: 'text/plain',
  ini: 'text/plain',
  toml: 'text/plain',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  ts: 'text/plain',
  py: 'text/x-python',
  sh: 'text/x-shellscript',
  sql: 'text/plain',
  svg: 'image/svg+xml',
};

const BINARY_EXTENSIONS: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Content-Type for an upload, from the file name. */
export function contentTypeFor(name: string): string {
  const ext = extensionOf(name);
  return TEXT_EXTENSIONS[ext] ?? BINARY_EXTENSIONS[ext] ?? 'application/octet-stream';
}

/** True when the name or MIME type says "text we can show" (the bytes are checked separately). */
export function looksTextual(name: string, mimeType: string | undefined): boolean {
  if (extensionOf(name) in TEXT_EXTENSIONS) return true;
  const mime = (mimeType ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
  return (
    mime.startsWith('text/') ||
    /^application\/(json|xml|yaml|x-yaml|csv|javascript)$/.test(mime) ||
    mime.endsWith('+json')
  );
}

/** The bytes as UTF-8 text, or null when they are not valid UTF-8 or contain NUL bytes. */
export function decodeUtf8Text(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    return null;
  }
}

/** "1.2 MB", "340 KB", "12 bytes". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
