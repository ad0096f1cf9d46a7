export {
  defaultPricingPath,
  loadPricing,
  type ModelPrice,
  type PricingTable,
  pricingSchema,
} from './pricing.js';
export { CostTracker, priceUsage } from './tracker.js';
