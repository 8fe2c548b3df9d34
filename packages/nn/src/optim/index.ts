/** Optimizers, gradient clipping and learning-rate schedules. */
export * from './adam';
export * from './clip-grad';
export * from './optimizer';
export * from './param-groups';
export * from './schedules';
export * from './sgd';
