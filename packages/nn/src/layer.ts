/** The shape most layers share: a Module whose forward maps one tensor to one tensor. */
import type { Tensor } from '@gqa-lab/autograd';
import type { Module } from './module';

/** A Module with `forward(x) -> y` (what Sequential chains and MLP's activation slot accepts). */
export type Layer = Module & { forward(x: Tensor): Tensor };
