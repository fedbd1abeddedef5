/**
 * The guest kernel's configuration: `make tinyconfig`, then the repo's fragments
 * (`kernels/config/common.config` and `<arch>.config`) set with `scripts/config`, then
 * `make olddefconfig`. A symbol the fragment sets that olddefconfig drops is an error, so a
 * misspelt or unmet symbol never builds a kernel that silently lacks a driver.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNELS_DIR } from './targets';

export interface ConfigSetting {
  symbol: string;
  /** 'y', 'n' (from `# CONFIG_X is not set`), or a literal value. */
  value: string;
}

export interface ConfigFragment {
  text: string;
  sha256: string;
  settings: ConfigSetting[];
}

export function readFragment(arch: string): ConfigFragment {
  const text = ['common', arch].map((name) => readFileSync(join(KERNELS_DIR, 'config', `${name}.config`), 'utf8')).join('\n');
  return { text, sha256: createHash('sha256').update(text).digest('hex'), settings: parseFragment(text) };
}

export function parseFragment(text: string): ConfigSetting[] {
  const settings: ConfigSetting[] = [];
  for (const line of text.split('\n')) {
    const off = /^# CONFIG_(\w+) is not set$/.exec(line.trim());
    if (off) settings.push({ symbol: off[1], value: 'n' });
    const on = /^CONFIG_(\w+)=(.+)$/.exec(line.trim());
    if (on) settings.push({ symbol: on[1], value: on[2] });
  }
  return settings;
}

/** `scripts/config` arguments that apply the fragment. */
export function scriptsConfigArgs(settings: readonly ConfigSetting[]): string[] {
  return settings.flatMap(({ symbol, value }) =>
    value === 'y' ? ['--enable', symbol] : value === 'n' ? ['--disable', symbol] : ['--set-val', symbol, value]);
}

/** Symbols whose value in the final `.config` differs from what the fragment asked for. */
export function droppedSymbols(settings: readonly ConfigSetting[], dotConfig: string): string[] {
  const actual = new Map<string, string>();
  for (const s of parseFragment(dotConfig)) actual.set(s.symbol, s.value);
  return settings
    .filter(({ symbol, value }) => (actual.get(symbol) ?? 'n') !== value)
    .map(({ symbol, value }) => `CONFIG_${symbol}=${value} (got ${actual.get(symbol) ?? 'unset'})`);
}
