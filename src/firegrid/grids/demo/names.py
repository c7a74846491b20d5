"""Names of the demo: villages (行政村) of 告成镇, communities (社区) of 嵩阳街道, people."""

from __future__ import annotations

TOWN_VILLAGES = [
    "告成村", "八方村", "东赵村", "西赵村", "曲河村", "北庄村", "袁桥村", "五渡河村",
    "杨村", "冯庄村", "东沟村", "西沟村", "马庄村", "新庄村", "石羊关村", "水磨湾村",
    "刘庄村", "阳城村", "寨河村", "南洼村", "崔楼村", "王庄村", "岭东村", "后河村",
]  # fmt: skip
# (community, number of grids)
STREET_COMMUNITIES = [
    ("书院河社区", 4), ("崇高路社区", 5), ("嵩阳社区", 3), ("太室社区", 6),
    ("颍河社区", 4), ("中岳路社区", 5), ("周山社区", 4), ("大禹社区", 5),
]  # fmt: skip
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛"
    "叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹易常武乔贺"
)
GIVEN_NAMES = (
    "建国 秀英 桂兰 志强 丽娟 海燕 国庆 红梅 玉兰 建军 晓东 春生 秋菊 文博 子涵 浩然 雨桐 俊杰 "
    "淑珍 振华 卫东 丽华 永强 金凤 向阳 德明 素芳 新民 保国 爱莲 宏伟 晓燕 立新 慧敏 国强 凤英 "
    "明亮 家豪 欣怡 思远 军 静 磊 伟 敏 勇 艳 涛 娜 杰 鑫 超 鹏 霞 华 斌 琳 婷 峰 刚 亮 萍 欢"
).split()


def numeral(n: int) -> str:
    """A Chinese numeral up to 99, as in 第三网格 or 十二组."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    return ("" if n < 20 else digits[n // 10]) + "十" + (digits[n % 10] if n % 10 else "")
