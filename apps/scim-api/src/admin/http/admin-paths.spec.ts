import fc from 'fast-check';
import { isAdminPath, isConsolePath } from './admin-paths';

describe('admin paths', () => {
  it('tells console pages from the admin API, whatever the case', () => {
    expect(['/admin', '/admin/', '/admin/login', '/ADMIN/idps?x=1', '/admin/v1x'].map(isConsolePath)).toEqual([true, true, true, true, true]);
    expect(['/admin/v1', '/admin/v1/', '/Admin/V1/journal?email=a', '/administrator', '/scim/v2/x', '/metrics'].map(isConsolePath)).toEqual([false, false, false, false, false, false]);
  });

  it('finds console pages only under /admin', () => {
    fc.assert(fc.property(fc.string(), (url) => expect(!isConsolePath(url) || isAdminPath(url)).toBe(true)));
  });
});
