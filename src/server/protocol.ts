// What the language server tells its client beyond LSP: the per-document status notification. No
// imports, so the extension can use it without bundling the server.

/** Custom notification (server → client): how much of a document was examined and listed (DocumentStatus). */
export const DOCUMENT_STATUS_NOTIFICATION = 'reasonflux/documentStatus';

/** Diagnostic codes of the notices that say a file's problems are not all listed or not all found. */
export const NOTICE_CODES = { capped: 'problems.capped', truncated: 'document.truncated' } as const;

/** What the server tells the client about one document after each detection that changes it. */
export interface DocumentStatus {
  uri: string;
  version: number;
  /** Problems found (hover, code lenses, code actions and symbols cover all of them). */
  problems: number;
  /** Problems published as diagnostics (at most the cap). */
  listed: number;
  /** More problems were found than are published as diagnostics. */
  capped: boolean;
  /** Only the first `examinedChars` of `totalChars` characters were examined. */
  truncated: boolean;
  examinedChars: number;
  totalChars: number;
  /** 1-based line where examination stopped (when truncated). */
  examinedLines?: number;
}

/** A well-formed DocumentStatus from an untrusted notification payload, else undefined. */
export function parseDocumentStatus(v: unknown): DocumentStatus | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
  if (typeof o.uri !== 'string' || !num(o.version) || !num(o.problems) || !num(o.listed) || !num(o.examinedChars) || !num(o.totalChars)) return undefined;
  if (typeof o.capped !== 'boolean' || typeof o.truncated !== 'boolean') return undefined;
  const st: DocumentStatus = {
    uri: o.uri,
    version: o.version,
    problems: o.problems,
    listed: o.listed,
    capped: o.capped,
    truncated: o.truncated,
    examinedChars: o.examinedChars,
    totalChars: o.totalChars,
  };
  if (num(o.examinedLines)) st.examinedLines = o.examinedLines;
  return st;
}
