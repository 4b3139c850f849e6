// Settings: config.ts covers exactly the manifest's settings, validates values, and keeps endpoint
// URLs out of workspace hands when the workspace is not trusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { RESTRICTED_IN_UNTRUSTED, SETTING_KEYS, readSettings, restrictedValue } from '../../src/extension/config';
import { manifest, withSetting } from './support/host';

describe('settings (config.ts)', () => {
  it('has a getter for every reasonflux.* setting in package.json and nothing else', () => {
    const declared = Object.keys(manifest().contributes.configuration.properties)
      .filter((k) => k.startsWith('reasonflux.'))
      .map((k) => k.slice('reasonflux.'.length))
      .sort();
    assert.deepEqual([...SETTING_KEYS].sort(), declared);
  });

  it('restricts the same settings as the manifest in untrusted workspaces', () => {
    const declared = manifest().capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [];
    assert.deepEqual(
      RESTRICTED_IN_UNTRUSTED.map((k) => `reasonflux.${k}`).sort(),
      [...declared].sort(),
    );
  });

  it('reads the declared defaults', () => {
    const s = readSettings();
    assert.equal(s.endpointBaseUrl, '');
    assert.equal(s.maxRounds, 0);
    assert.equal(s.requestTimeoutSeconds, 1800, 'the total cap: a long, steadily streaming step is not cut at 120 s');
    assert.equal(s.firstTokenTimeoutSeconds, 120);
    assert.equal(s.idleTimeoutSeconds, 60);
    assert.deepEqual(s.detectionLanguages, ['markdown', 'latex', 'tex']);
    assert.equal(s.detectionSeverity, 'information');
    assert.deepEqual(s.features, { diagnostics: true, codeLens: true, codeActions: true, hover: true });
    assert.equal(s.templatesWorkspaceFolder, '.reasonflux/templates');
  });

  it('uses a workspace endpoint only when the workspace is trusted', async () => {
    await withSetting('endpoint.baseUrl', 'http://127.0.0.1:9/v1', async () => {
      assert.equal(readSettings(undefined, true).endpointBaseUrl, 'http://127.0.0.1:9/v1');
      assert.equal(readSettings(undefined, false).endpointBaseUrl, '', 'an untrusted workspace value is ignored');
    });
  });

  it('prefers the user value over workspace values when untrusted (pure rule)', () => {
    const inspected = { defaultValue: '', globalValue: 'https://user.example/v1', workspaceValue: 'https://evil.example/v1', workspaceFolderValue: 'https://evil2.example/v1' };
    assert.equal(restrictedValue('https://evil2.example/v1', inspected, false), 'https://user.example/v1');
    assert.equal(restrictedValue('https://evil2.example/v1', inspected, true), 'https://evil2.example/v1');
    assert.equal(restrictedValue('https://evil.example/v1', { defaultValue: '', workspaceValue: 'https://evil.example/v1' }, false), '');
  });

  it('clamps and validates hand-edited values', async () => {
    await withSetting('maxRounds', 99, async () => {
      await withSetting('detection.severity', 'loud', async () => {
        await withSetting('detection.extraEnvironments', ['task', 7, ' aufgabe ', 'task'], async () => {
          const s = readSettings();
          assert.equal(s.maxRounds, 20);
          assert.equal(s.detectionSeverity, 'information');
          assert.deepEqual(s.detectionExtraEnvironments, ['task', 'aufgabe']);
        });
      });
    });
    assert.equal(vscode.workspace.getConfiguration('reasonflux').inspect('maxRounds')?.workspaceValue, undefined, 'settings restored');
  });
});
