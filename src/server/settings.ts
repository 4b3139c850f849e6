// Server settings: the "reasonflux" configuration section (package.json contributes.configuration),
// read with workspace/configuration, from didChangeConfiguration pushes, or from initializationOptions.
import { DiagnosticSeverity } from 'vscode-languageserver';

export interface ServerSettings {
  languages: string[];
  severity: DiagnosticSeverity;
  extraEnvironments: string[];
  features: { diagnostics: boolean; codeLens: boolean; codeActions: boolean; hover: boolean };
  templatesWorkspaceFolder: string;
  templatesUserFile: string;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  languages: ['markdown', 'latex', 'tex'],
  severity: DiagnosticSeverity.Information,
  extraEnvironments: [],
  features: { diagnostics: true, codeLens: true, codeActions: true, hover: true },
  templatesWorkspaceFolder: '.reasonflux/templates',
  templatesUserFile: '',
};

const SEVERITIES: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Turns {"detection.severity": x} / {"reasonflux.detection.severity": x} into nested objects. */
function expandDotted(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    const parts = k.split('.');
    let cur = out;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i]!;
      if (!isObj(cur[p])) cur[p] = {};
      cur = cur[p] as Obj;
    }
    const last = parts[parts.length - 1]!;
    cur[last] = isObj(v) && isObj(cur[last]) ? { ...(cur[last] as Obj), ...expandDotted(v) } : isObj(v) ? expandDotted(v) : v;
  }
  return out;
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter(Boolean).slice(0, 200);
}

/** Accepts the section itself, or an object holding it under "reasonflux"; unknown or bad values keep defaults. */
export function parseSettings(raw: unknown, base: ServerSettings = DEFAULT_SETTINGS): ServerSettings {
  if (!isObj(raw)) return base;
  let o = expandDotted(raw);
  if (isObj(o.reasonflux)) o = o.reasonflux as Obj;
  const det = isObj(o.detection) ? (o.detection as Obj) : {};
  const feat = isObj(o.features) ? (o.features as Obj) : {};
  const tpl = isObj(o.templates) ? (o.templates as Obj) : {};
  const bool = (v: unknown, d: boolean): boolean => (typeof v === 'boolean' ? v : d);
  const sev = typeof det.severity === 'string' ? SEVERITIES[det.severity.toLowerCase()] : undefined;
  return {
    languages: strings(det.languages) ?? base.languages,
    severity: sev ?? base.severity,
    extraEnvironments: strings(det.extraEnvironments) ?? base.extraEnvironments,
    features: {
      diagnostics: bool(feat.diagnostics, base.features.diagnostics),
      codeLens: bool(feat.codeLens, base.features.codeLens),
      codeActions: bool(feat.codeActions, base.features.codeActions),
      hover: bool(feat.hover, base.features.hover),
    },
    templatesWorkspaceFolder: typeof tpl.workspaceFolder === 'string' ? tpl.workspaceFolder : base.templatesWorkspaceFolder,
    templatesUserFile: typeof tpl.userFile === 'string' ? tpl.userFile : base.templatesUserFile,
  };
}
