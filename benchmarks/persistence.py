# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what keeping the emulator's state in PostgreSQL costs.

Reports, never asserts:
- startup of the private PostgreSQL cluster (tests/postgres.py);
- N project creations, one request each, in memory and written through to PostgreSQL (ms per write);
- the same write once the state also holds M seeded repositories (the diff walks every record);
- a stopped instance started again on the same database: time until it answers, with that state loaded.

    python benchmarks/persistence.py [--projects 200] [--repositories 2000] [--out benchmarks/results/persistence.json]
"""

import argparse
import http.cookiejar
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.postgres import PostgresServer  # noqa: E402  pylint: disable=wrong-import-position


def session(emulator):
    bare = requests.Session()
    bare.auth = emulator.admin
    bare.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return bare


def create_projects(emulator, count, prefix):
    http = session(emulator)
    started = time.monotonic()
    for index in range(count):
        response = http.post(emulator.api + '/projects', json={'project_name': '%s-%04d' % (prefix, index)}, timeout=30)
        response.raise_for_status()
    return (time.monotonic() - started) * 1000.0 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--projects', type=int, default=200)
    parser.add_argument('--repositories', type=int, default=2000)
    parser.add_argument('--out', default=os.path.join(ROOT, 'benchmarks', 'results', 'persistence.json'))
    args = parser.parse_args()
    results = {'projects': args.projects, 'repositories': args.repositories}
    with EmulatorProcess().start() as emulator:
        results['memory_ms_per_write'] = round(create_projects(emulator, args.projects, 'mem'), 2)
    with PostgresServer() as pg, tempfile.TemporaryDirectory() as volume:
        results['postgres_startup_s'] = round(pg.startup_seconds, 2)
        dsn = pg.create_database('registry')
        started = time.monotonic()
        emulator = EmulatorProcess().start(database_dsn=dsn, data_volume=volume)
        results['db_first_start_s'] = round(time.monotonic() - started, 2)
        try:
            results['db_ms_per_write'] = round(create_projects(emulator, args.projects, 'db'), 2)
            for index in range(args.repositories):
                emulator.seed_repository('library', 'repo-%05d' % index)
            results['db_ms_per_write_with_repositories'] = round(create_projects(emulator, 50, 'big'), 2)
        finally:
            emulator.stop()
        started = time.monotonic()
        with EmulatorProcess().start(database_dsn=dsn, data_volume=volume) as again:
            total = session(again).get(again.api + '/projects', params={'page_size': 1}, timeout=30).headers['X-Total-Count']
            results['db_restart_until_answering_s'] = round(time.monotonic() - started, 2)
            results['projects_after_restart'] = int(total)
    print(json.dumps(results, indent=2))
    with open(args.out, 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=2)
        handle.write('\n')


if __name__ == '__main__':
    main()
