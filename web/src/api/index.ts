export { api, ApiError, setApiLanguage, setUnauthenticatedHandler } from './client';
export type * from './types';
export type * from './entities';
