import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { defaultCacheFolder, extractInProcess, withExtractionCache } from '../core/extract/document-extractor';
import { CitewiseWorkspace, type WorkspaceOptions } from '../core/corpus/workspace';

/**
 * The workspace every command uses: documents are read and indexed in worker threads (one per core, at
 * most two: more only contend for the disk), and PDF and Word text is cached in the user's cache folder
 * (CITEWISE_CACHE_DIR overrides it), as is the corpus index: a second run reads only what changed.
 */
export function cliWorkspace(options: WorkspaceOptions = {}): CitewiseWorkspace {
  const cacheFolder = defaultCacheFolder();
  const extractionCacheFolder = path.join(cacheFolder, 'extracted');
  return new CitewiseWorkspace({
    ...options,
    indexFolder: path.join(cacheFolder, 'index'),
    loadOptions: {
      ...options.loadOptions,
      extract: withExtractionCache(extractInProcess, extractionCacheFolder),
      workers: { file: path.join(__dirname, 'index-worker.js'), count: Math.min(2, availableParallelism()), extractionCacheFolder },
    },
  });
}
