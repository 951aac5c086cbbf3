"""The route-by-route comparison tool (tests/harbor_emulator/compare.py) finds differences and, pointed at a
second emulator, finds none: what it reports about a real Harbor comes from the real Harbor."""

from tests.harbor_emulator import compare
from tests.harbor_emulator.fixture import EmulatorProcess


def test_shapes_tell_absent_from_null_and_types_apart():
    real = {'status': 200, 'total': True, 'link': False,
            'shape': {k: sorted(v) for k, v in compare.shape({'a': None, 'b': [{'c': 1}], 'd': 'x'}).items()}}
    mine = {'status': 200, 'total': True, 'link': False,
            'shape': {k: sorted(v) for k, v in compare.shape({'b': [{'c': '1'}], 'd': 'y', 'e': False}).items()}}
    assert compare.compare(real, real) == []
    assert compare.compare(real, mine) == ['.a: only real Harbor sends it (null)', '.b[].c: real number, emulator string',
                                           '.e: only the emulator sends it (boolean)']
    assert compare.compare(dict(real, status=500), real) == ['status: real 500, emulator 200']


def test_two_emulators_answer_every_probe_alike(capsys):
    other = EmulatorProcess().start()
    try:
        assert compare.main(['--real', other.url, '--password', 'Harbor12345']) == 0
    finally:
        other.stop()
    out = capsys.readouterr().out
    assert 'of 49 probes answered alike' in out and out.strip().endswith('49 of 49 probes answered alike')
