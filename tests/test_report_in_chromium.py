"""The HTML report rendered by a real browser: headless Chromium lays it out and each chart is visible.

Chromium is Debian's `chromium` (`.ci/run` installs it); where it is missing the test says so and skips.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.export_support import demo, exported

# Appended to a copy of the report: writes each chart's laid-out size and decoded image size into the DOM.
PROBE = """<script>
const found = [...document.querySelectorAll('figure.chart')].map(f => {
  const img = f.querySelector('img'), box = img.getBoundingClientRect(), style = getComputedStyle(f);
  return {id: f.id, width: box.width, height: box.height, natural: img.naturalWidth, complete: img.complete,
          shown: style.display !== 'none' && style.visibility !== 'hidden'};
});
const out = document.createElement('pre'); out.id = 'probe'; out.textContent = JSON.stringify(found);
document.body.appendChild(out);
</script>"""


async def test_each_chart_of_the_report_is_visible_in_headless_chromium(sqlite_store, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")
    space = await demo(sqlite_store)
    page = (await exported(sqlite_store, space, "html")).decode()
    probe = tmp_path / "report.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                           "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    charts = json.loads(found.group(1).replace("&quot;", '"'))
    assert [c["id"] for c in charts][:3] == ["chart-positions-1", "chart-moves-1", "chart-activity-1"]
    for c in charts:
        assert c["shown"] and c["complete"] and c["natural"] > 100 and c["width"] > 100 and c["height"] > 50, c
