import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { defaultCacheFolder, extractInProcess, withExtractionCache } from '../core/extract/document-extractor';
import { CitewiseWorkspace, type WorkspaceOptions } from '../core/workspace';

/**
 * The workspace every command uses: documents are read and indexed in worker threads (one per core, at
 * most two: more only contend for the disk), and PDF and Word text is cached in the user's cache folder
 * (CITEWISE_CACHE_DIR overrides it), so the second run over a corpus of PDFs skips extraction.
 */
export function cliWorkspace(options: WorkspaceOptions = {}): CitewiseWorkspace {
  const cacheFolder = process.env.CITEWISE_CACHE_DIR || defaultCacheFolder();
  return new CitewiseWorkspace({
    ...options,
    loadOptions: {
      ...options.loadOptions,
      extract: withExtractionCache(extractInProcess, cacheFolder),
      workers: { file: path.join(__dirname, 'index-worker.js'), count: Math.min(2, availableParallelism()), extractionCacheFolder: cacheFolder },
    },
  });
}
