// The door to search: reps find conversations by customer and by message words, in the original
// or in a translation a reader got (see search.service.ts and search-index.ts).
import { searchSources, type ConversationEvents } from '../conversations/index.js';
import type { Logger } from '../lib/logger.js';
import { createSearchIndex } from './search-index.js';
import { searchRoutes } from './search.routes.js';
import { createSearchService } from './search.service.js';

export { createSearchService, type SearchHit, type SearchResults, type SearchService } from './search.service.js';
export { createSearchIndex, MOVE_EVERY, POSTINGS_KEPT, type SearchIndex } from './search-index.js';
export { searchPostings } from './search-posting.model.js';

/** Search, indexing what the pipeline's events carry from now on. */
export function createSearchFeature(deps: { events: ConversationEvents; logger: Logger }) {
  const index = createSearchIndex(deps.logger);
  index.subscribe(deps.events);
  const service = createSearchService(searchSources, index);
  return { index, service, routes: searchRoutes(service) };
}
