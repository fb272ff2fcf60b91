# The conformance verdict from a Tempest workspace: a line per selection (passed, failed, skipped,
# and interop when an interop list is given), each test with --each, then the failures not listed
# in expected-failures.txt (which fail the run) and the listed ones that now pass.
# Usage: report.py STESTR_DIR EXPECTED_FILE SELECTIONS_FILE (lines "name|regex") INTEROP_FILE|- [--each]
import io, os, re, subprocess, sys, collections
import subunit, testtools
stestr_dir, expected_file, selections_file, interop_file = sys.argv[1:5]
each = '--each' in sys.argv[5:]
raw = subprocess.run(['stestr', 'last', '--subunit'], cwd=os.path.dirname(stestr_dir), capture_output=True).stdout
status = {}
class Collect(testtools.StreamResult):
    def status(self, test_id=None, test_status=None, **kw):
        if test_id and test_status in ('success', 'fail', 'skip', 'xfail', 'uxsuccess'):
            status[test_id.split('[')[0]] = test_status
subunit.ByteStreamToStreamResult(io.BytesIO(raw), non_subunit_name='stdout').run(Collect())
expected = {}
for line in open(expected_file):
    line = line.strip()
    if not line or line.startswith('#'):
        continue
    name, _, reason = line.partition('#')
    expected[name.strip()] = reason.strip()
failed = {t for t, s in status.items() if s in ('fail', 'uxsuccess')}
interop = [l.strip().split('[')[0] for l in open(interop_file) if l.strip()] if interop_file != '-' else None
for line in open(selections_file):
    name, _, regex = line.strip().partition('|')
    mine = {t: s for t, s in status.items() if re.match(regex, t)}
    c = collections.Counter('fail' if s in ('fail', 'uxsuccess') else s for s in mine.values())
    ran = c['success'] + c['fail']
    out = 'CONFORMANCE %s: passed=%d failed=%d skipped=%d (%.1f%% of run tests pass)' % (name, c['success'], c['fail'], c['skip'], 100.0 * c['success'] / max(ran, 1))
    if interop is not None:
        inter = [t for t in interop if re.match(regex, t)]
        out += '; interop %d/%d pass' % (sum(1 for t in inter if status.get(t) == 'success'), len(inter))
    print(out)
    if each:
        for t, s in sorted(mine.items()):
            print('  %s %s' % (s, t))
unexpected = sorted(failed - set(expected))
for t in sorted(t for t in expected if status.get(t) == 'success'):
    print('  NOW PASSING (remove from expected-failures.txt): %s' % t)
for t in unexpected:
    print('  UNEXPECTED FAILURE: %s' % t)
if not status:
    print('  no test ran'); sys.exit(1)
sys.exit(1 if unexpected else 0)
