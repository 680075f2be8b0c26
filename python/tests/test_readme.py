"""The README's Python example runs as written and gives the results its comments state."""
import contextlib
import io
import os
import re

from conftest import ROOT


def test_readme_example():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = readme.split("### Python: `import neardup`", 1)[1]
    code, more = re.findall(r"```python\n(.*?)```", section, re.S)[:2]
    env = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(compile(code, "README.md", "exec"), env)
            exec(compile(more, "README.md", "exec"), env)  # the training-data jobs, on the same data
    finally:
        os.chdir(cwd)
    assert env["dup"] == [None, None, 0]
    assert [r["id"] for r in env["kept"]] == ["a", "b"]
    assert "ready to meet again with Russia" in out.getvalue()
    assert env["s"].cuts and env["s"].kept_words < env["s"].words
    assert [r["id"] for r in env["report"]] == ["q1", "q2"] and env["clean"] == env["bench"][1:]
    assert "ready to meet again with Russia" in env["b"][env["s"].cuts[0].start:env["s"].cuts[0].end]
