"""Issue 17's probes, each as a test. Sign-in, sessions, transport and headers, concurrent edits, hostile query
strings and rate limits are in this folder; the probes that belong to one capability live beside its code:

- 20,000 near-identical task names (the similar-task search): banso/text/tests/test_similarity.py,
  test_near_identical_names_give_a_bounded_answer (and benchmarks/survey_bench.py, benchmarks/abuse.py);
- a 1,048,576-row workbook refused before it is read: banso/survey/tests/test_files.py,
  test_a_sheet_too_long_is_refused_before_it_is_read;
- `?page=99999999999999999999999` and ids out of range: banso/core/tests/test_bad_parameters.py (and
  test_query_fuzz.py here, over every page and parameter);
- a course titled 「研修 1/2」 exported: banso/training/tests/test_training.py,
  test_a_course_whose_title_has_a_slash_exports_to_excel;
- a department named `../../x\\r\\nX-Injected: 1` in zip entries and download names: banso/survey/tests/test_files.py,
  test_a_department_name_cannot_climb_out_of_the_zip_or_break_the_download_header;
- evidence uploads of .html, .svg with script, text with markup: banso/tracking/tests/test_updates.py and
  banso/programs/tests/test_programs.py (meeting attachments);
- 403/404 logged as one line: banso/core/tests/test_log_lines.py;
- tenant isolation: tests/test_url_walk.py (every route, every persona, another town's objects).
"""
