"""Deterministic fake people: Chinese names, GB 11643 ID numbers and mainland mobile numbers."""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from operator import mul

# Common surnames, most frequent first; weights fall off roughly like the national distribution.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤童傅祝翁鲁应楼"
)
_SURNAME_CUM = list(accumulate(1.0 / (i + 6) for i in range(len(SURNAMES))))

MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"

# GB 11643 / ISO 7064 MOD 11-2 (as domain.validation.id_check_digit, inlined for speed; the
# tests check every generated number with the domain validator).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "157", "158", "159", "166", "173", "177", "180", "181", "182", "183", "186", "187", "188", "189", "199",
)


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # code table gender: male / female
    id_number: str
    phone: str
    birth: date


class PeopleFactory:
    """Generates people from a seeded random source (same seed, same people)."""

    def __init__(self, rnd: random.Random, region_code: str, today: date) -> None:
        self.rnd = rnd
        self.region = region_code
        self.today = today
        self._seq = 0

    def surname(self) -> str:
        return SURNAMES[bisect_right(_SURNAME_CUM, self.rnd.random() * _SURNAME_CUM[-1])]

    def name(self, gender: str | None = None) -> tuple[str, str]:
        """(full name, gender code)."""
        rand = self.rnd.random
        g = gender or ("male" if rand() < 0.52 else "female")
        chars = MALE_CHARS if g == "male" else FEMALE_CHARS
        n = len(chars)
        given = chars[int(rand() * n)] + (chars[int(rand() * n)] if rand() < 0.8 else "")
        return self.surname() + given, g

    def mobile(self) -> str:
        rand = self.rnd.random
        return MOBILE_PREFIXES[int(rand() * len(MOBILE_PREFIXES))] + f"{int(rand() * 10**8):08d}"

    def id_number(self, birth: date, gender: str) -> str:
        """A GB 11643 number: region, birth date, sequence (odd for men), check digit."""
        seq = int(self.rnd.random() * 500) * 2 + (1 if gender == "male" else 0)
        first17 = f"{self.region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
        return first17 + _ID_CHECK[sum(map(mul, map(int, first17), _ID_WEIGHTS)) % 11]

    def birth(self, min_age: int = 18, max_age: int = 82) -> date:
        days = min_age * 365 + int(self.rnd.random() * (max_age - min_age) * 365)
        return self.today - timedelta(days=days)

    def person(self, min_age: int = 18, max_age: int = 82) -> Person:
        name, gender = self.name()
        birth = self.birth(min_age, max_age)
        return Person(name, gender, self.id_number(birth, gender), self.mobile(), birth)
