# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: scan on push and webhook delivery through the emulator, the scanner adapter and a receiver.

Pushes N tags with skopeo into an ``auto_scan`` project that has a webhook policy, and reports (never asserts):
- the wall time of the pushes;
- per tag, push end -> SCANNING_COMPLETED received by the webhook receiver (median, max);
- per tag, push end -> PUSH_ARTIFACT received (median, max);
- a prevent_vulnerable refusal: the time of one refused manifest GET.

    python benchmarks/scan_on_push.py [--tags 20] [--out benchmarks/results/scan_on_push.json]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402  pylint: disable=wrong-import-position
from tests import oci_images  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.scanner_adapter import ScannerAdapter  # noqa: E402  pylint: disable=wrong-import-position
from tests.webhook_receiver import WebhookReceiver  # noqa: E402  pylint: disable=wrong-import-position


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tags', type=int, default=20)
    parser.add_argument('--out')
    args = parser.parse_args(argv)
    emulator, adapter, receiver = EmulatorProcess(), ScannerAdapter().start(), WebhookReceiver().start()
    emulator.start()
    try:
        api, auth = emulator.api, emulator.admin
        requests.post(api + '/scanners', json={'name': 'bench', 'url': adapter.url}, auth=auth, timeout=30).raise_for_status()
        metadata = {'auto_scan': 'true', 'prevent_vul': 'true', 'severity': 'high'}
        requests.post(api + '/projects', json={'project_name': 'bench', 'metadata': metadata}, auth=auth,
                      timeout=30).raise_for_status()
        requests.post(api + '/projects/bench/webhook/policies', headers={'X-Is-Resource-Name': 'true'}, auth=auth, timeout=30,
                      json={'name': 'bench', 'enabled': True, 'event_types': ['PUSH_ARTIFACT', 'SCANNING_COMPLETED'],
                            'targets': [{'type': 'http', 'address': receiver.url}]}).raise_for_status()
        adapter.findings['bench/app'] = [{'id': 'CVE-2026-9999', 'severity': 'Critical'}]
        layout = tempfile.mkdtemp(prefix='scan-bench-')
        tags = ['v%d' % i for i in range(args.tags)]
        for tag in tags:
            oci_images.build_layout(layout, tag, layers=1, layer_size=2048)
        pushed_at = {}
        start = time.monotonic()
        for tag in tags:
            oci_images.push(layout, tag, emulator, 'bench/app')
            pushed_at[tag] = time.monotonic()
        push_seconds = time.monotonic() - start
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(receiver.events) < 2 * len(tags):
            time.sleep(0.05)
        received = {}
        for event in receiver.events:
            body = event['body']
            received.setdefault((body['type'], body['event_data']['resources'][0]['tag']), event['received_at'])

        def delays(kind):
            return [received[(kind, t)] - pushed_at[t] for t in tags if (kind, t) in received]
        scan, push = delays('SCANNING_COMPLETED'), delays('PUSH_ARTIFACT')
        t0 = time.monotonic()
        refused = requests.get('%s/v2/bench/app/manifests/v0' % emulator.url, auth=auth, timeout=30,
                               headers={'Accept': oci_images.OCI_MANIFEST})
        refusal_ms = (time.monotonic() - t0) * 1000
        result = {
            'tags': len(tags), 'push_seconds': round(push_seconds, 2),
            'scan_completed_events': len(scan), 'push_events': len(push),
            'push_to_scan_completed_ms': {'median': round(statistics.median(scan) * 1000, 1) if scan else None,
                                          'max': round(max(scan) * 1000, 1) if scan else None},
            'push_to_push_event_ms': {'median': round(statistics.median(push) * 1000, 1) if push else None,
                                      'max': round(max(push) * 1000, 1) if push else None},
            'refused_pull': {'status': refused.status_code, 'ms': round(refusal_ms, 1)},
        }
    finally:
        emulator.stop()
        adapter.stop()
        receiver.stop()
    print(json.dumps(result, indent=2))
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as handle:
            json.dump(result, handle, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
