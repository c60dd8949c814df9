"""What every dialect is built from, written once: each dialect keeps only what its vendor
does differently (envelopes, paging, quirks). See docs/dev/adding-a-dialect.md.

- `runtime_param`: `Rt`, the process runtime as a handler parameter;
- `sub_app`: a vendor's own application, mounted at its prefix;
- `answers`: the four failure handlers, given a dialect's `Answers`;
- `error_table`: a dialect's answer for each domain error class, looked up along the MRO;
- `json_object`: a hand-read JSON object body;
- `ids`: ids from paths, queries and bodies, bounded to what a 64-bit column holds;
- `schemes`: the credential as the OpenAPI document shows it.
"""
