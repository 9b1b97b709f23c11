//! Deterministic randomness (splitmix64) and Chinese government prose composed from phrase lists
//! drawn from the vocabulary of the example policy (content/yiliao-gaodi/policy.md).

/// splitmix64: tiny, fast and good enough to pick phrases; no `rand` dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// An independent stream for item `i` of a seeded run, so policy 7 is the same text
    /// whatever N is (a smaller corpus is a prefix of a larger one).
    pub fn derive(seed: u64, i: u64) -> Self {
        let mut r = Rng(seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407));
        r.next();
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.range(0, items.len() - 1)]
    }

    /// `k` distinct indices below `n`, in ascending order.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k.min(n) {
            let i = self.range(0, n - 1);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen
    }
}

pub const CN_NUMBERS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

pub const CITIES: [&str; 8] = [
    "聊城市",
    "德州市",
    "菏泽市",
    "泰安市",
    "济宁市",
    "滨州市",
    "临沂市",
    "枣庄市",
];

pub const ISSUER_SUFFIX: [&str; 2] = ["人民政府", "人民政府办公室"];

pub const VERBS: [&str; 16] = [
    "推进", "加快", "强化", "完善", "健全", "支持", "鼓励", "落实", "提升", "打造", "建设", "深化",
    "巩固", "统筹", "培育", "优化",
];

pub const OBJECTS: [&str; 40] = [
    "区域医疗中心建设",
    "重点专科建设",
    "人才队伍建设",
    "医防融合协同机制",
    "公共卫生服务体系",
    "医养结合模式",
    "县域医疗卫生资源",
    "基层医疗卫生服务网底",
    "优质医疗资源扩容",
    "科研和技术创新",
    "医养健康产业发展",
    "紧急医学救援体系",
    "中医药传承创新发展",
    "重大疫情防控救治能力",
    "精准化引才机制",
    "公立医院薪酬制度改革",
    "临床重点专科建设项目",
    "医学教育和学术交流",
    "科技成果转化",
    "适宜卫生技术推广",
    "院院合作和校地共建",
    "特色康养品牌",
    "大健康产业",
    "家庭医生签约服务",
    "慢性病综合防控",
    "妇幼健康服务体系",
    "精神卫生服务能力",
    "疾病预防控制体系",
    "智慧医疗服务",
    "医疗服务价格改革",
    "药品集中带量采购",
    "卫生健康人才智库",
    "县级医院综合能力",
    "乡镇卫生院规范化建设",
    "城市医疗集团建设",
    "县域医共体建设",
    "安宁疗护试点工作",
    "健康服务圈",
    "护理服务体系",
    "全民健康信息平台",
];

pub const ADVERBIALS: [&str; 12] = [
    "到2025年年底，",
    "“十四五”期间，",
    "力争通过3—5年时间，",
    "围绕群众看病就医需求，",
    "坚持以人民健康为中心，",
    "立足我市、辐射周边，",
    "按照“三提三敢”要求，",
    "对标对表周边地区，",
    "以高质量发展为主题，",
    "坚持问题导向，",
    "结合实际，",
    "",
];

pub const MODIFIERS: [&str; 10] = [
    "全面",
    "持续",
    "进一步",
    "积极",
    "大力",
    "加快",
    "统筹",
    "扎实",
    "稳步",
    "全力",
];

pub const SUBJECTS: [&str; 12] = [
    "市直医疗卫生机构",
    "各县（市、区）",
    "县级医院",
    "基层医疗卫生机构",
    "市人民医院",
    "市中医医院",
    "市疾控中心",
    "市属开发区",
    "各级各有关部门",
    "驻聊高校",
    "三级公立医院",
    "社区卫生服务中心",
];

pub const GOALS: [&str; 12] = [
    "打造冀鲁豫三省交界区域的医疗高地",
    "形成“15分钟健康服务圈”",
    "推动优质医疗资源扩容和均衡布局",
    "实现医疗卫生能力整体提升",
    "为人民群众提供全方位全周期健康服务",
    "增强医疗服务辐射带动能力",
    "夯实卫生健康事业发展人才基础",
    "提升区域重大疾病防控救治水平",
    "擦亮县级医院品牌",
    "营造关心支持医疗机构高质量发展的良好氛围",
    "促进医疗机构科学设置、布局合理",
    "满足人民群众多层次多样化健康需求",
];

pub const FIGURE_UNITS: [&str; 6] = ["个", "万元", "家", "项", "名", "%"];

pub const TOPICS: [&str; 5] = [
    "总体要求",
    "医疗资源与项目建设",
    "人才支持",
    "学科与科技",
    "基层与产业",
];

pub const PEOPLE: [&str; 8] = [
    "张月莲",
    "王胜",
    "李建国",
    "刘秀英",
    "陈志强",
    "杨丽华",
    "赵明",
    "孙海燕",
];

/// Units that appear in unit notes; shared by every policy of the corpus.
pub const UNITS: [&str; 48] = [
    "市卫生健康委",
    "市委组织部",
    "市委编办",
    "市委宣传部",
    "市发展改革委",
    "市教育局",
    "市科技局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力资源社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房城乡建设局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化和旅游局",
    "市退役军人局",
    "市应急局",
    "市审计局",
    "市市场监管局",
    "市体育局",
    "市统计局",
    "市医保局",
    "市行政审批局",
    "市大数据局",
    "市疾控中心",
    "市税务局",
    "市残联",
    "市总工会",
    "团市委",
    "市妇联",
    "市红十字会",
    "聊城大学",
    "市中医药管理局",
    "市政府国资委",
    "市金融监管局",
    "市地方金融组织服务中心",
    "东昌府区人民政府",
    "临清市人民政府",
    "茌平区人民政府",
    "阳谷县人民政府",
    "江北水城旅游度假区管委会",
    "高新区管委会",
];

/// One sentence of policy prose, ending in `。`.
pub fn sentence(r: &mut Rng) -> String {
    match r.range(0, 4) {
        0 => format!(
            "{}{}{}{}，{}{}。",
            r.pick(&ADVERBIALS),
            r.pick(&MODIFIERS),
            r.pick(&VERBS),
            r.pick(&OBJECTS),
            r.pick(&VERBS),
            r.pick(&OBJECTS)
        ),
        1 => format!(
            "支持{}{}{}，{}。",
            r.pick(&SUBJECTS),
            r.pick(&VERBS),
            r.pick(&OBJECTS),
            r.pick(&GOALS)
        ),
        2 => format!(
            "{}新增{}{}{}，{}{}。",
            r.pick(&ADVERBIALS),
            r.range(1, 30),
            r.pick(&["个", "家", "项"]),
            r.pick(&OBJECTS),
            r.pick(&MODIFIERS),
            r.pick(&GOALS)
        ),
        3 => format!(
            "对{}的，给予{}万元一次性奖励，{}。",
            r.pick(&[
                "成功创建为国家级、省级重点专科",
                "新引进的省级领军人才",
                "获得省科学技术进步奖",
                "建成区域医疗中心",
            ]),
            r.range(5, 100) * 5,
            r.pick(&GOALS)
        ),
        _ => format!(
            "以{}为抓手，{}{}，{}。",
            r.pick(&OBJECTS),
            r.pick(&VERBS),
            r.pick(&OBJECTS),
            r.pick(&GOALS)
        ),
    }
}

/// A paragraph of `lo..=hi` sentences.
pub fn paragraph(r: &mut Rng, lo: usize, hi: usize) -> String {
    (0..r.range(lo, hi)).map(|_| sentence(r)).collect()
}

/// A short heading phrase without punctuation, e.g. `加快推进区域医疗中心建设`.
pub fn heading(r: &mut Rng) -> String {
    format!(
        "{}{}{}",
        r.pick(&MODIFIERS),
        r.pick(&VERBS),
        r.pick(&OBJECTS)
    )
}
