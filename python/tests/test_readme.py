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
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    env = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            exec(compile(code, "README.md", "exec"), env)
    finally:
        os.chdir(cwd)
    assert env["dup"] == [None, None, 0]
    assert [r["id"] for r in env["kept"]] == ["a", "b"]
    assert "ready to meet again with Russia" in out.getvalue()
