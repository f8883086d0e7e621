import type { RequestHandler } from 'express';
import type { ErrorRenderer } from '@obo/server';
import { SignInError, WebError } from '../errors';
import type { Views } from '../views/render';

/** Unknown routes: the 404 page. */
export function notFound(): RequestHandler {
  return (_req, _res, next) =>
    next(new WebError(404, 'not_found', 'There is no page at this address.'));
}

/**
 * The web app's one renderer (behind `@obo/server`'s `errorHandler`, which logs the error and
 * sets its headers, e.g. `Retry-After`): sign-in failures → the auth error page (400) with the
 * identity provider's error and description; everything else → the error page with its status,
 * and for an unexposed error only a generic text.
 */
export function renderWebError(views: Views): ErrorRenderer {
  return (error, req, res) => {
    if (error instanceof SignInError) {
      views.send(req, res, 400, 'auth-error', 'Sign-in failed', {
        error: error.code,
        description: error.description,
      });
      return;
    }
    const { status } = error;
    views.send(req, res, status, 'error', headingFor(status), {
      status,
      heading: headingFor(status),
      code: error.expose ? error.code : 'server_error',
      message: error.expose ? error.message : 'Something went wrong on our side. Please try again.',
    });
  };
}

function headingFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 401) return 'Sign-in required';
  if (status < 500) return 'Bad request';
  if (status === 503) return 'Temporarily unavailable';
  return 'Something went wrong';
}
