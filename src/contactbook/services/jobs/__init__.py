"""Background jobs: imports and exports, queued by a request and run by a job runner.

`queue` queues a job and reads its state, and `import_acceptance` turns an uploaded file into a
queued import (size limit, empty file, the two units of work); `runner` claims queued jobs under
a lease and runs them batch by batch, resuming a job a lost worker left; `process_pool` starts
the helper processes that clean import rows. An import runs through `import_pipeline` (read the
file in batches, clean ahead, write in file order), which reads rows with `import_files` (CSV
and NDJSON readers, the errors file), refuses an undecodable file whole with `import_decoding`,
and writes each batch with `import_batches` (one unit of work a batch). `exports` streams an
account's contacts as CSV or NDJSON; `files` says where job files live and whether a file is
still its job's own.
"""
