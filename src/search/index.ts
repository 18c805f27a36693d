// The door to search: reps find conversations by customer and by message words, in the original
// or in a translation a reader got (see search.service.ts).
import { searchSources } from '../conversations/index.js';
import { searchRoutes } from './search.routes.js';
import { createSearchService } from './search.service.js';

export { createSearchService, type SearchHit, type SearchResults, type SearchService } from './search.service.js';

export function createSearchFeature() {
  const service = createSearchService(searchSources);
  return { service, routes: searchRoutes(service) };
}
