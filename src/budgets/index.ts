export { BudgetEnforcer, BudgetExceeded, type BudgetKind } from './enforcer.js';
