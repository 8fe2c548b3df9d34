/** Our implementations to compare: the CPU backend on one thread, and on the worker pool when it has >1 thread. */
export interface OurImpl {
  readonly name: string;
  /** Switches the CPU backend into this configuration before the impl's cases run. */
  readonly before?: () => void;
}

/** For now one configuration: the default CPU backend. */
export function ourImpls(): OurImpl[] {
  return [{ name: 'gqa-lab' }];
}
