import { expect, it } from 'vitest';
import { href, parseRoute } from './router';

it('parses every route and round-trips names and ARNs with any character', () => {
  expect(parseRoute('')).toEqual({ page: 'machines' });
  expect(parseRoute('#/machines')).toEqual({ page: 'machines' });
  expect(parseRoute('#/machines/new')).toEqual({ page: 'new' });
  expect(parseRoute(href.machine('a-b_c'))).toEqual({ page: 'machine', name: 'a-b_c' });
  expect(parseRoute(href.edit('x'))).toEqual({ page: 'edit', name: 'x' });
  const arn = 'arn:aws:states:us-east-1:123456789012:express:m:e/1:2';
  expect(parseRoute(href.execution(arn))).toEqual({ page: 'execution', arn });
  expect(parseRoute('#/nope').page).toBe('notfound');
});
