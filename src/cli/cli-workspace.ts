import { defaultCacheFolder, extractInProcess, withExtractionCache } from '../core/extract/document-extractor';
import { CitewiseWorkspace, type WorkspaceOptions } from '../core/workspace';

/**
 * The workspace every command uses: PDF and Word text is cached in the user's cache folder
 * (CITEWISE_CACHE_DIR overrides it), so the second run over a corpus of PDFs skips extraction.
 */
export function cliWorkspace(options: WorkspaceOptions = {}): CitewiseWorkspace {
  const cacheFolder = process.env.CITEWISE_CACHE_DIR || defaultCacheFolder();
  return new CitewiseWorkspace({ ...options, loadOptions: { ...options.loadOptions, extract: withExtractionCache(extractInProcess, cacheFolder) } });
}
