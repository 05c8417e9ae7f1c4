// The export options live in src-shared/export/options.ts: `gradscape render` (src-main/cli)
// checks the same settings as the Export dialog. This re-export keeps the renderer's export
// modules (and the CLI, until it imports src-shared directly) on one definition.
export * from '../../src-shared/export/options'
