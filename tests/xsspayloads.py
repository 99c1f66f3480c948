"""Known XSS payloads: each would set ``window.__xss`` to its number if it ever ran.

Shared by the sanitiser's unit tests and the browser tests that push them through a
real build. Markdown links whose target looks local (``[x](&#106;avascript:…)``) never
get that far: ``validate`` refuses them as broken links (L404), see test_sanitize.py.
"""

from __future__ import annotations

# Each payload would set window.__xss to its number if it ever ran.
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '<svg onload="window.__xss=3"></svg>',
    "<svg><script>window.__xss=4</script></svg>",
    '<a href="javascript:window.__xss=5">链接5</a>',
    '<a href="JaVaScRiPt:window.__xss=6">链接6</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;window.__xss=7">链接7</a>',
    '<a href="jav&#x09;ascript:window.__xss=8">链接8</a>',
    "[链接9](javascript:window.__xss=9)",
    "[链接10](JaVaScRiPt:window.__xss=10)",
    '<iframe src="javascript:parent.__xss=11"></iframe>',
    '<iframe srcdoc="&lt;script&gt;parent.__xss=12&lt;/script&gt;"></iframe>',
    '<form action="javascript:window.__xss=13"><button>提交13</button></form>',
    '<object data="javascript:window.__xss=14"></object>',
    '<embed src="javascript:window.__xss=15">',
    "<style>body{display:none}</style>",
    '<a href="data:text/html,&lt;script&gt;opener.__xss=17&lt;/script&gt;">链接17</a>',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=18">',
    '<details open ontoggle="window.__xss=19"><summary>19</summary></details>',
    '<input autofocus onfocus="window.__xss=20">',
    '[链接21](https://example.invalid/ "t\\" onmouseover=\\"window.__xss=21")',
    '![图22](https://example.invalid/x.png"onerror="window.__xss=22)',
    '<div style="position:fixed;top:0;left:0;width:100%;height:100%;background:red">覆盖23</div>',
    '## 标题24 {: onclick="window.__xss=24" }',
    '<body onload="window.__xss=25">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=26">',
    '<a href="vbscript:msgbox(27)">链接27</a>',
    '<img src="javascript:window.__xss=28">',
    '<svg><a xlink:href="javascript:window.__xss=29"><text x="20" y="20">29</text></a></svg>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=30>"></noscript>',
    '<video><source onerror="window.__xss=31"></video>',
    '<a href="  javascript:window.__xss=32">链接32</a>',
    "<javascript:window.__xss=33>",
    '<a href="&#x6A;avascript&#0000058window.__xss=34">链接34</a>',
    "<textarea><img src=x onerror=window.__xss=35></textarea>",
    '<base href="javascript:window.__xss=36//">',
    '<link rel="stylesheet" href="data:text/css,body{display:none}">',
    '<a href="#" id="catalogueSearch" name="catalogueSearch">38</a>',
    '<p>段落39 <span onmouseover="window.__xss=39">悬停</span></p>',
    "`<script>window.__xss=40</script>`",
]
FIELDS = {
    "title": '预算执行XSS<script>window.__xss=101</script>"><img src=x onerror=window.__xss=102>',
    "summary": "概述</title><script>window.__xss=103</script><svg onload=window.__xss=104>",
    "keywords": ['"><svg onload=__xss=105>'],
    "doc_no": "<iframe src=javascript:window.__xss=106>",
    "attachments": [{"path": "files/a.csv", "title": "<script>window.__xss=107</script>附表"}],
    "changes": [{"date": "2024-07-25", "note": "<img src=x onerror=window.__xss=108>"}],
}
