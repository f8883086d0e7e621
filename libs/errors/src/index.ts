export { ServiceError, isServiceError, type ServiceErrorOptions } from './service-error';
export { toServiceError } from './to-service-error';
