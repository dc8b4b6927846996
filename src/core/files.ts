import { Type, type Static } from '@sinclair/typebox';

/**
 * Files in and out of actions. The action layer is JSON; an action that takes a file has a `file` input
 * holding its bytes (over HTTP: the raw request body, see `http.upload` in action.ts), and an action
 * that produces a file returns a FileResult, which the HTTP layer sends as the response body and the CLI
 * writes out. The byte schemas accept the bytes as they are (a Buffer, or the Uint8Array that
 * validation's structured clone makes of it): JSON Schema has no type for them, so they carry only a
 * description, and the HTTP layer describes the body as `type: string, format: binary` in OpenAPI.
 */
export const FileBytes = Type.Unsafe<Uint8Array>({ description: 'file content (binary)' });

export const FileInput = Type.Unsafe<Uint8Array>({
  description: 'the file (binary): over HTTP the raw request body, not a JSON field',
});

export const FileResult = Type.Object({
  file: Type.Object({
    name: Type.String({ description: 'suggested file name' }),
    contentType: Type.String(),
    bytes: FileBytes,
  }),
});
export type FileResultDto = Static<typeof FileResult>;

export function fileResult(name: string, contentType: string, bytes: Uint8Array): FileResultDto {
  return { file: { name, contentType, bytes } };
}

export function isFileResult(value: unknown): value is FileResultDto {
  if (value === null || typeof value !== 'object' || !('file' in value)) return false;
  const file = value.file;
  return (
    file !== null && typeof file === 'object' && 'bytes' in file && file.bytes instanceof Uint8Array
  );
}

/** The bytes of a file input as a Buffer (no copy), or undefined when the input holds no bytes. */
export function fileBytes(value: unknown): Buffer | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  return Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback name and the real name as RFC 5987
 * `filename*` (Chinese file names survive in every current browser).
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * A response the action serialized itself, with headers of its own: the sharing data API signs the
 * exact bytes it sends (issue 5), which a schema-driven serializer after the action could change.
 * `body` is a string or bytes, or a stream for long exports.
 */
export interface RawResult {
  raw: {
    contentType: string;
    body: string | Uint8Array | NodeJS.ReadableStream;
    headers: Record<string, string>;
    status?: number;
  };
}

export const RawResultSchema = Type.Unsafe<RawResult>({
  description: 'a response serialized by the action (see http.raw of the action for its content)',
});

export function isRawResult(value: unknown): value is RawResult {
  return (
    value !== null && typeof value === 'object' && 'raw' in value && typeof value.raw === 'object'
  );
}
