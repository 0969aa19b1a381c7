// The suggestion helpers are a leaf (src/suggest.ts) so that generators/ can use them too.
export { listOf, suggest } from '../suggest.js';
