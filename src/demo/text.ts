// Original Simplified Chinese news text for a fictional district paper (江城市滨江区), built from
// phrase banks with slots. Everything here is invented; names, places and numbers are fictional.
import type { Rng } from './random';

export type TopicId =
  | 'urban-renewal'
  | 'elevator'
  | 'elderly-care'
  | 'education'
  | 'metro'
  | 'tech-park'
  | 'riverside-green'
  | 'waste-sorting'
  | 'old-housing'
  | 'culture'
  | 'sports'
  | 'business'
  | 'health'
  | 'traffic'
  | 'essay';

export interface TextBlock {
  type: 'paragraph' | 'heading' | 'list' | 'quote';
  text: string;
}

export interface ArticleText {
  topic: TopicId;
  kicker?: string;
  title: string;
  subtitle?: string;
  byline?: string;
  body: TextBlock[];
  /** A photo caption matching the story, for when the article gets a photo. */
  caption: string;
}

export interface ArticleTextOptions {
  /** Issue date YYYY-MM-DD; dates in the text are the days just before it. */
  date: string;
  /** Topics to choose from (default: all news topics). */
  topics?: readonly TopicId[];
  /** Number of body blocks, inclusive range (default 3–12). Ignored when `chars` is given. */
  blocks?: readonly [number, number];
  /** Approximate body length in characters, inclusive range; adds blocks until reached. */
  chars?: readonly [number, number];
}

export const TITLE_MIN_CHARS = 8;
export const TITLE_MAX_CHARS = 24;
export const PARAGRAPH_MIN_CHARS = 80;
export const PARAGRAPH_MAX_CHARS = 300;

// ---------------------------------------------------------------------------------------------
// Places and people of the fictional district.

const DISTRICT = '滨江区';
const CITY = '江城';
const STREETS = ['云溪街道', '临江街道', '望湖街道', '桃源街道', '青石街道', '北塘街道', '南屏镇', '金沙街道'];
const COMMUNITIES = [
  '枫林社区', '春晖社区', '翠湖苑社区', '杏花村社区', '金桥新村', '和平里社区', '梧桐社区', '锦绣社区',
  '长乐坊社区', '清水湾社区', '丽江花园', '新港社区', '松鹤社区', '东湖新村',
];
const ROADS = ['滨江大道', '云溪路', '望湖路', '长青路', '学府路', '新华街', '桃源路', '江汉北路', '青石巷', '北塘路', '光明路', '临江西路'];
const SCHOOLS = ['滨江实验小学', '云溪路小学', '江城第三中学', '滨江外国语学校', '望湖初级中学', '桃源小学', '滨江高级中学', '临江实验学校'];
const PARKS = ['滨江绿地', '云溪湿地公园', '望湖公园', '北塘河滨步道', '江心洲生态公园', '桃源体育公园'];
const METRO_LINES = ['12', '15', '18', '20', '23'];
const STATIONS = ['云溪路站', '滨江大道站', '望湖公园站', '科创园站', '桃源路站', '北塘站', '江城南站'];
const CAMPUSES = ['滨江科创园', '云溪智谷', '望湖数字港', '临江新材料产业园'];
const COMPANIES = ['江城智芯科技', '云溪数智科技', '滨江生物医药', '望湖新能源', '江城机器人公司', '临江光电材料', '青石软件'];
const VENUES = ['滨江区文化馆', '云溪大剧院', '区图书馆', '江城美术馆滨江分馆', '北塘非遗展示馆'];
const GYMS = ['滨江体育中心', '望湖全民健身中心', '云溪体育公园', '临江市民健身中心'];
const HOSPITALS = ['云溪街道社区卫生服务中心', '滨江区中心医院', '望湖街道社区卫生服务中心', '江城第二人民医院'];

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕丁沈'];
const GIVEN_NAMES = [
  '晓明', '海燕', '建国', '丽华', '志强', '文静', '佳怡', '俊杰', '慧敏', '立新', '春梅', '国庆', '秀英', '浩然',
  '思远', '一鸣', '欣怡', '振华', '婷婷', '伟', '磊', '敏', '洁', '静', '军', '红', '晨', '雪梅', '明辉', '立群',
  '嘉禾', '若溪', '卫东', '小芸', '宏伟', '永庆', '亚楠', '梦琪',
];
const RESIDENT_SUFFIXES = ['阿姨', '师傅', '大爷', '先生', '女士', '老伯', '阿婆'];
const REPORTERS = [
  '王晓明', '李海燕', '陈立群', '周思远', '吴佳怡', '徐振华', '孙文静', '马一鸣', '朱慧敏', '胡浩然',
  '郭雪梅', '何明辉', '林若溪', '罗嘉禾', '高亚楠', '郑卫东',
];

interface Agency {
  name: string;
  roles: string[];
}

interface TopicBank {
  label: string;
  agencies: Agency[];
  titles: string[];
  kickers: string[];
  subtitles: string[];
  leads: string[];
  details: string[];
  quotes: string[];
  headings: string[];
  lists: string[];
  captions: string[];
}

// ---------------------------------------------------------------------------------------------
// Phrase banks. Slots: {p:甲|乙} (pick one) {district} {city} {street} {street2} {community} {road} {road2} {school}
// {park} {line} {station} {campus} {company} {venue} {gym} {hospital} {agency} {official}
// {resident} {resident2} {personFull} {surname} {reporter} {md} {md2} {year} {nextyear} {month}
// {n:a-b} (integer) {f:a-b} (one decimal). Equal slots resolve to equal values within an article.

const TOPICS: Record<TopicId, TopicBank> = {
  'urban-renewal': {
    label: '城市更新',
    agencies: [
      { name: '区规划和自然资源局', roles: ['副局长', '相关负责人'] },
      { name: '区城市更新中心', roles: ['主任', '副主任'] },
    ],
    titles: [
      '{road}沿线旧厂房变身城市会客厅',
      '{street}{n:3-9}个城市更新项目集中开工',
      '老街区焕新颜 {road}历史风貌街区开放',
      '滨江岸线再添{n:2-5}公里公共空间',
      '“边角地”变身口袋公园 {community}居民有了好去处',
      '{district}今年将完成{n:12-30}万平方米城市更新',
      '百年里弄“留改拆” 烟火气与新功能兼得',
      '城市更新如何守住老城记忆',
    ],
    kickers: ['守护城市记忆 激活存量空间', '城市更新进行时', '重点项目巡礼'],
    subtitles: [
      '项目预计于{nextyear}年底整体完工，将新增公共绿地{n:3000-9000}平方米',
      '改造坚持“修旧如旧”，保留{n:12-40}处历史建筑元素',
      '{district}已累计完成城市更新面积{f:50-180}万平方米',
    ],
    leads: [
      '{md}，位于{road}的原江城纺织机械厂旧址改造项目迎来阶段性成果，{n:3-6}栋老厂房经过结构加固和立面修缮，将以文创办公、社区食堂和展览空间的新面貌与市民见面。',
      '记者从{agency}获悉，今年{district}将推进{n:10-25}个城市更新项目，涉及{street}、{street2}等{n:4-8}个街镇，总投资约{n:30-120}亿元。',
      '走进{street}{road}，斑驳的院墙已经重新粉刷，杂乱的架空线完成入地，沿街{n:20-60}家小店换上了统一设计的店招。',
    ],
    details: [
      '据介绍，项目采取“政府引导、市场运作、居民参与”的模式，前期共召开居民议事会{n:6-20}次，收集意见建议{n:80-300}条。',
      '增设休憩座椅、改善夜间照明等{n:20-60}条居民意见已被纳入设计方案。',
      '改造中，施工方对建筑原有的红砖外墙、木质窗框和老式门头进行编号拆卸、清洗后原样复位，最大限度保留历史信息。',
      '项目建成后，将新增公共停车位{n:80-260}个、口袋公园{n:2-5}处，并配建一座面积约{n:600-1500}平方米的社区综合服务中心。',
      '为减少施工对周边居民的影响，项目部将高噪声作业全部安排在工作日白天进行，并在围挡上公示了投诉电话。',
      '{agency}有关负责人表示，城市更新不是简单的“拆旧建新”，而是要在保留城市肌理的同时补齐功能短板。',
      '目前，{road}一侧的{n:3-6}栋老建筑已完成结构检测，修缮方案正在专家评审中，预计下月进场施工。',
      '按照规划，片区将打造“15分钟社区生活圈”，步行范围内即可满足居民购物、就医、养老和托育等日常需求。',
      '截至目前，{district}已累计完成城市更新面积{f:50-180}万平方米，惠及居民{n:2-6}万户。',
      '老厂房的锯齿形屋顶被完整保留下来，改造为天窗采光的共享阅览空间，周末还会举办市集和小型展览。',
      '施工围挡上印着老街区的历史照片和改造效果图，不少路过的市民会停下脚步细细端详。',
      '片区内的{n:10-30}家老字号商铺在改造期间实行“原地过渡”，营业不中断，老顾客照样能买到熟悉的味道。',
    ],
    quotes: [
      '“以前一下雨，弄堂里就积水，现在路面重新铺过，排水管也换了新的，出门方便多了。”在这里住了三十多年的{resident}说。',
      '“我们希望这里既是居民的生活空间，也能成为年轻人愿意来打卡的地方。”{official}说。',
      '“老房子留下来了，老邻居也留下来了，这才是我们想要的更新。”{community}居民{resident2}说。',
    ],
    headings: ['留住老城的烟火气', '“一事一议”破解改造难题', '居民从“旁观者”变成“参与者”', '补齐功能短板', '让老建筑“活”起来'],
    lists: ['新增公共绿地{n:2000-8000}平方米', '架空线入地{f:2-9}公里', '修缮历史建筑{n:8-30}处', '新增非机动车停车位{n:200-800}个', '建设社区食堂{n:1-3}处'],
    captions: ['改造后的{road}历史风貌街区吸引市民游览。', '{road}旧厂房改造项目现场，工人正在修缮建筑立面。'],
  },

  elevator: {
    label: '加装电梯',
    agencies: [
      { name: '区住房保障和房屋管理局', roles: ['副局长', '相关负责人'] },
      { name: '区加装电梯工作专班', roles: ['负责人'] },
    ],
    titles: [
      '{community}第{n:3-15}台加装电梯投入使用',
      '老楼装电梯 “悬空老人”圆了下楼梦',
      '{district}今年已完成加装电梯{n:120-360}台',
      '加装电梯从“一梯难求”到“成片推进”',
      '{street}推出加装电梯“一站式”代办服务',
      '低层住户为何从反对到支持加装电梯',
      '加装电梯后 维保费用谁来出',
    ],
    kickers: ['民心工程·加装电梯', '“悬空老人”下楼记', '聚焦民生实事项目'],
    subtitles: [
      '全区已累计完成加装电梯{n:600-1500}台，惠及居民{n:1-3}万余户',
      '通过“整小区、成片化”推进，单台工期缩短至{n:45-80}天左右',
    ],
    leads: [
      '{md}上午，随着一声“开梯啦”，{street}{community}{n:3-28}号楼的加装电梯正式投入使用，这是该小区今年完成的第{n:3-12}台电梯。',
      '记者从{agency}了解到，截至{md}，{district}今年已完成既有多层住宅加装电梯{n:120-360}台，另有{n:80-200}台正在施工。',
      '家住{community}六楼的{resident}今年{n:72-89}岁，腿脚不便的她过去一年下楼不超过十次，如今楼门口的新电梯让她又能每天下楼晒太阳、买菜了。',
    ],
    details: [
      '加装电梯的难点往往不在工程本身，而在于协调。居委会先后组织楼组协商会{n:5-18}次，逐户上门听取意见，最终全楼{n:12-24}户全部签字同意。',
      '针对低层住户担心的采光、噪声和隐私问题，设计单位对电梯井道采用通透玻璃幕墙，并将连廊位置错开卧室窗户。',
      '按照本市相关政策，每台加装电梯可获得财政补贴最高{n:24-40}万元，其余费用由居民按楼层梯度分摊，一楼住户不承担费用。',
      '{district}推广装配式钢结构井道，构件在工厂预制完成后现场拼装，单台电梯施工周期压缩到{n:45-80}天左右。',
      '街道还引入“加装电梯代办员”，从意见征询、方案设计、审批备案到竣工验收，全流程帮助居民跑腿办事。',
      '电梯投入使用后，由楼组推选的“电梯管家”负责日常巡查，维保单位每半个月上门保养一次，维保费用由使用住户共同承担。',
      '针对部分老旧小区地下管线复杂的问题，{district}建立了管线单位联合踏勘机制，燃气、电力、供水等单位提前介入，避免反复开挖。',
      '{district}还上线了加装电梯信息查询小程序，居民可在线查看本楼的意见征询进度、补贴标准和施工节点。',
      '为减少对居民生活的影响，施工前项目部与每户居民沟通施工时间表，并在楼道口张贴公告。',
      '部分楼栋采用“平层入户”设计，电梯停靠在每户门口，老人不用再走半层楼梯。',
    ],
    quotes: [
      '“以前爬一趟六楼要在半路歇两回，现在按个按钮就到家了。”{resident}笑着说。',
      '“一开始也担心挡光，后来看了设计图，心里就踏实了。”住在一楼的{resident2}说。',
      '“加装电梯是群众急难愁盼的事，我们要把好事办好、实事办实。”{official}表示。',
    ],
    headings: ['从“一户一议”到“整楼推进”', '低层住户的顾虑如何化解', '“电梯管家”管好后半篇文章', '全流程代办少跑腿'],
    lists: ['已完成加装电梯{n:120-360}台', '在建电梯{n:80-200}台', '完成意见征询{n:300-800}幢', '平均工期缩短至{n:45-80}天'],
    captions: ['{community}新加装的电梯投入使用，老人乘坐电梯下楼。', '施工人员在{community}吊装电梯钢结构井道。'],
  },

  'elderly-care': {
    label: '社区养老',
    agencies: [
      { name: '区民政局', roles: ['副局长', '养老服务科科长'] },
    ],
    titles: [
      '{community}长者食堂开张 老人家门口吃上热乎饭',
      '嵌入式养老服务站覆盖全部{n:8-12}个街镇',
      '智能手环守护独居老人安全',
      '{street}试点“时间银行” 低龄老人服务高龄老人',
      '社区为老服务中心新增日托床位{n:20-80}张',
      '适老化改造让老房子更“懂”老人',
    ],
    kickers: ['老有所养 老有所乐', '幸福养老在身边', '“15分钟养老服务圈”建设'],
    subtitles: ['全区已建成社区长者食堂{n:30-60}家，日均供餐{n:4000-9000}客', '累计为{n:600-2000}户困难老人家庭完成适老化改造'],
    leads: [
      '{md}中午十一点不到，{community}长者食堂门口已经排起了队。两荤两素一汤，标价{n:12-18}元，{n:70-80}岁以上老人还能享受用餐补贴。',
      '记者从{agency}获悉，今年以来，{district}新增社区嵌入式养老服务站{n:6-20}家，为老年人提供助餐、助浴、助医和日间照料等服务。',
      '清晨七点，{street}独居老人{resident}的手机准时响起。这是街道“AI关爱热线”每天拨出的第一批问候电话之一，目前已覆盖{n:300-1200}位独居老人。',
    ],
    details: [
      '长者食堂由街道提供场地，引入专业餐饮企业运营，菜品少油少盐，每周更新菜单，行动不便的老人还可以电话预约送餐上门。',
      '服务站配备了康复训练器械、助浴间和阅览室，{n:6-15}名持证护理员轮班值守，每天可为{n:30-80}位老人提供日间照料。',
      '在适老化改造中，施工人员为老人家中的卫生间加装扶手、铺设防滑地砖，并将门槛削平，改造费用由区、街道两级分担。',
      '“时间银行”鼓励{n:60-68}岁左右的低龄老人为高龄老人提供陪伴、代购、理发等服务，服务时长存入个人账户，将来可兑换同等服务。',
      '烟感报警器、门磁感应器和智能水表接入街道城运平台后，一旦老人家中出现异常，系统会第一时间通知社区工作人员和家属。',
      '目前，{district}60岁以上户籍老年人口已超过{n:8-15}万人，占户籍人口的{f:28-38}%，养老服务需求持续增长。',
      '社区还联合{hospital}开设家庭病床，医生定期上门为失能老人测血压、调整用药，并建立健康档案。',
      '{street}还组织志愿者结对独居老人，每周至少上门探访一次，帮助老人解决生活中的小难题。',
      '服务站定期开设智能手机培训班，教老人用手机挂号、视频通话和扫码支付。',
    ],
    quotes: [
      '“饭菜软硬合适，价钱也实惠，关键是离家近，走两步就到了。”{resident}一边吃一边说。',
      '“孩子们都在外地工作，有了这个手环，他们也放心些。”{resident2}说。',
      '“我们希望让老人不离开熟悉的社区，就能享受到专业的养老服务。”{official}说。',
    ],
    headings: ['助餐服务走进家门口', '科技手段守护独居老人', '低龄助高龄 互助有温度', '医养结合补短板'],
    lists: ['新增长者食堂{n:4-12}家', '新增养老床位{n:100-400}张', '完成适老化改造{n:200-800}户', '签约家庭医生的老人{n:1-5}万人'],
    captions: ['老人在{community}长者食堂用餐。', '护理员在养老服务站陪伴老人做康复训练。'],
  },

  education: {
    label: '教育',
    agencies: [
      { name: '区教育局', roles: ['副局长', '基础教育科科长'] },
    ],
    titles: [
      '{district}今年提供义务教育学位{n:6000-9200}个',
      '{school}新校区将于秋季开学启用',
      '课后服务“加餐” 书法编程人工智能任你选',
      '小学一年级新生网上报名{md}启动',
      '“双减”之后 孩子们的课后时光更丰富了',
      '{school}学生获青少年科创大赛一等奖',
      '新建{n:3-6}所中小学 缓解学位紧张',
      '家门口的好学校越来越多',
    ],
    kickers: ['办好人民满意的教育', '聚焦{year}年义务教育招生', '校园新鲜事'],
    subtitles: ['其中小学一年级学位{n:3000-5000}个，初中预备年级学位{n:2500-4000}个', '新学期全区将新增学位{n:1500-4000}个'],
    leads: [
      '记者从{agency}获悉，{year}年{district}义务教育阶段计划提供学位{n:6000-9200}个，比去年增加{n:300-900}个，能够满足适龄儿童入学需求。',
      '{md}起，{district}{year}年小学一年级新生网上报名正式开始，家长可通过“江城教育”App或官方网站完成信息登记。',
      '下午三点半，{school}的下课铃声响起，孩子们没有急着回家，而是分头走进机器人、合唱、围棋和篮球等{n:20-48}个课后兴趣班。',
    ],
    details: [
      '根据招生政策，本区户籍适龄儿童原则上按地段对口入学，随迁子女按积分情况统筹安排，具体对口地段可在官方网站查询。',
      '为缓解部分区域学位紧张，{district}今年新建、改扩建中小学{n:3-6}所，其中位于{road}的{school}新校区已完成竣工验收。',
      '新校区占地约{n:20-45}亩，设有{n:24-48}个标准教室，配备智慧教室、创客空间和{p:200|250|300|400}米标准跑道运动场。',
      '学校引入高校和科技企业资源，开设人工智能、3D打印、无人机等特色课程，每学期参加课程的学生超过{n:800-2000}人次。',
      '课后服务实行“基础托管+特色课程”模式，基础托管免费，特色课程由家长自愿选择，学校统一公示课程内容和收费标准。',
      '{agency}提醒，家长应在规定时间内完成报名信息登记，逾期未登记的将由教育部门统筹安排入学。',
      '今年{district}还将在{n:10-20}所学校推广“5G+智慧课堂”，实现优质课程跨校共享。',
      '据统计，全区已有{n:20-40}所中小学与高校、科研院所建立合作关系，共建实验室和学生实践基地{n:30-80}个。',
      '新学期起，{district}中小学全面推行“AI+体育”课堂，通过智能手环记录学生运动数据，帮助老师科学安排运动量。',
      '学校食堂实行“明厨亮灶”，家长委员会成员定期陪餐，对饭菜质量进行评价。',
    ],
    quotes: [
      '“孩子放学后能在学校把作业做完，还能学点感兴趣的东西，我们下班接孩子也不用那么赶了。”家长{resident}说。',
      '“我们的目标是让每个孩子在家门口都能上好学。”{official}说。',
      '“第一次自己动手编程控制机器人，感觉特别有成就感。”五年级学生小{surname}说。',
    ],
    headings: ['学位供给持续扩大', '报名时间节点提示', '课后服务有“料”更有“味”', '科技教育进课堂'],
    lists: ['{md}至{md2} 网上报名信息登记', '提供义务教育学位{n:6000-9200}个', '新建改扩建学校{n:3-6}所', '开设课后兴趣课程{n:20-60}门'],
    captions: ['{school}学生在课后服务时间参加机器人兴趣课。', '{school}新校区教学楼外景。'],
  },

  metro: {
    label: '轨道交通',
    agencies: [
      { name: '区建设和管理委员会', roles: ['副主任'] },
      { name: '江城地铁集团', roles: ['项目负责人'] },
    ],
    titles: [
      '地铁{line}号线{station}主体结构封顶',
      '地铁{line}号线二期工程全线贯通',
      '{district}将新增{n:3-6}座地铁站',
      '地铁{line}号线年内开通初期运营',
      '地铁站周边“最后一公里”怎么走',
      '{station}周边交通组织调整',
    ],
    kickers: ['轨道交通建设进行时', '一条地铁线 激活一座城', '出行提示'],
    subtitles: ['线路全长{f:20-40}公里，其中{district}境内设站{n:3-7}座', '开通后从{station}到江城火车站只需{n:18-35}分钟'],
    leads: [
      '{md}，随着最后一方混凝土浇筑完成，地铁{line}号线{station}主体结构顺利封顶，标志着该站土建施工进入收尾阶段。',
      '记者从{agency}获悉，地铁{line}号线{district}段已完成隧道贯通，正在进行轨道铺设和机电设备安装，计划{nextyear}年上半年开通初期运营。',
      '因地铁{line}号线施工需要，自{md}起，{road}部分路段将实施交通组织调整，途经该路段的{n:3-6}条公交线路临时绕行。',
    ],
    details: [
      '{station}为地下两层岛式车站，设{n:3-5}个出入口，与公交首末站、非机动车停车场实现无缝衔接。',
      '施工过程中，项目部采用盾构法穿越既有建筑群和河道，通过实时监测系统全程控制地表沉降，最大沉降量控制在{n:5-15}毫米以内。',
      '地铁{line}号线全长约{f:20-40}公里，共设车站{n:16-28}座，采用6节编组A型列车，最高运行速度每小时{n:80-100}公里。',
      '线路开通后，将与既有的{n:3-5}条地铁线路实现换乘，{district}居民前往中心城区的通勤时间有望缩短{n:15-30}分钟。',
      '车站将全面支持二维码、NFC和数字人民币等多种支付方式，站厅层还设有母婴室和无障碍卫生间。',
      '{district}同步启动站点周边慢行系统建设，新增非机动车停放点{n:10-30}处，并优化{n:4-10}条公交接驳线路。',
      '施工期间，请途经车辆提前绕行，服从现场交通指挥，市民可关注“江城交通”微信公众号查询实时路况。',
      '为减少夜间施工扰民，项目部在工地周边加装隔音屏障，并把混凝土浇筑等高噪声作业安排在白天进行。',
      '地铁{line}号线{station}附近还将建设一座{n:300-800}个泊位的P+R停车场，方便市民停车换乘。',
      '车站装修设计融入了{district}的滨江元素，站厅顶部以波浪造型呼应江水，墙面展示了老城风貌。',
    ],
    quotes: [
      '“每天上班要换两趟公交，等地铁开通了，家门口就能坐车，方便太多了。”住在附近的{resident}说。',
      '“我们将在确保安全和质量的前提下，全力推进后续施工。”{official}说。',
    ],
    headings: ['盾构穿越“零扰动”', '换乘更便捷', '站点周边配套同步跟上', '交通组织调整提示'],
    lists: ['线路全长约{f:20-40}公里', '{district}境内设站{n:3-7}座', '可与{n:3-5}条既有线路换乘', '计划{nextyear}年开通初期运营'],
    captions: ['地铁{line}号线{station}施工现场。', '工人在地铁{line}号线隧道内铺设轨道。'],
  },

  'tech-park': {
    label: '科技创新',
    agencies: [
      { name: '区科学技术委员会', roles: ['副主任'] },
      { name: '区投资促进服务中心', roles: ['主任'] },
    ],
    titles: [
      '{campus}新引进科技企业{n:20-60}家',
      '人工智能产业集聚区在{campus}揭牌',
      '{company}的AI质检系统投入量产',
      '5G+工业互联网应用场景在{district}落地',
      '{district}发布支持科技创新“十条”新政',
      '科创企业在{district}“拎包入驻”',
      '{n:20-50}个科创项目集中签约',
    ],
    kickers: ['创新驱动 发展提速', '新质生产力观察', '科创策源地建设'],
    subtitles: ['总投资超过{n:50-150}亿元，涵盖人工智能、集成电路和生物医药等领域', '园区高新技术企业数量突破{n:200-600}家'],
    leads: [
      '{md}，{district}{year}年重点科创项目集中签约仪式在{campus}举行，{n:20-50}个项目现场签约，总投资超过{n:50-150}亿元。',
      '走进{company}的生产车间，一台台机械臂正在有序作业，AI视觉检测设备几秒钟就能完成一块电路板的缺陷识别。',
      '记者从{agency}了解到，{campus}今年新增注册企业{n:120-400}家，其中高新技术企业{n:20-80}家，园区营业收入同比增长{f:8-25}%。',
    ],
    details: [
      '园区为初创企业提供“拎包入驻”的共享办公空间，前两年租金减免{n:30-70}%，并配套法律、财务和知识产权等专业服务。',
      '该系统基于深度学习算法，检测准确率达到{f:98-99}%以上，单条生产线每年可节约人工成本{n:100-400}万元。',
      '目前，{campus}已建成5G基站{n:80-300}个，实现园区5G信号全覆盖，为工业互联网、无人配送等应用场景提供网络支撑。',
      '新政明确，对新认定的国家高新技术企业给予最高{n:20-50}万元奖励，对企业研发投入按比例给予补贴。',
      '{district}还设立规模{n:5-20}亿元的科创产业引导基金，重点投向人工智能、集成电路、生物医药和新能源等领域。',
      '园区与江城大学共建的联合实验室已孵化科技项目{n:15-40}个，累计申请发明专利{n:100-500}项。',
      '为帮助企业留住人才，{district}推出人才公寓{n:300-1200}套，符合条件的青年人才可享受租金补贴。',
      '不少企业把AI大模型用在客服、设计和供应链管理上，{company}的研发团队已从成立时的{n:5-12}人增加到{n:60-200}人。',
      '园区内的公共技术服务平台向中小企业开放共享，企业可以低价使用检测设备、算力资源和中试生产线。',
    ],
    quotes: [
      '“从提交材料到拿到营业执照只用了一天，园区的服务效率超出我们预期。”{company}负责人{personFull}说。',
      '“我们将围绕产业链布局创新链，让更多科技成果在{district}落地转化。”{official}说。',
    ],
    headings: ['产业集聚效应显现', 'AI赋能传统制造', '政策“组合拳”护航创新', '人才是第一资源'],
    lists: ['新增科技企业{n:100-400}家', '高新技术企业突破{n:200-600}家', '建成5G基站{n:80-300}个', '申请发明专利{n:100-500}项'],
    captions: ['{company}的工程师在调试AI视觉检测设备。', '{campus}内的共享办公空间。'],
  },

  'riverside-green': {
    label: '滨江绿地',
    agencies: [
      { name: '区绿化和市容管理局', roles: ['副局长', '相关负责人'] },
      { name: '区水务局', roles: ['副局长'] },
    ],
    titles: [
      '{park}二期向市民开放',
      '滨江岸线贯通 市民多了{f:2-8}公里滨水步道',
      '{district}今年新建口袋公园{n:5-15}座',
      '{park}迎来赏花季 周末游客超{n:2-5}万人次',
      '城市绿道串起“一江两岸”',
      '公园24小时开放 夜跑族有了好去处',
    ],
    kickers: ['推窗见绿 出门入园', '公园城市建设', '绿色生活'],
    subtitles: ['新增绿地面积约{n:5-20}万平方米，种植乔灌木{n:30-100}个品种', '全区人均公共绿地面积达到{f:9-14}平方米'],
    leads: [
      '{md}，{park}二期正式向市民开放。沿江而建的步道两侧，新种的香樟、银杏和落羽杉已经成林，不少市民一早就来散步、骑行。',
      '记者从{agency}获悉，今年{district}计划新建、改建口袋公园{n:5-15}座，其中{street}的{n:2-4}座已建成开放。',
      '傍晚时分，{park}的亲水平台上人来人往，跑步的、遛娃的、拍照的，各得其乐。',
    ],
    details: [
      '公园设计保留了原有的防汛墙和老码头遗迹，通过景观化改造，将其融入滨水步道和观景平台之中。',
      '新建的骑行道宽{n:3-5}米，与步行道分开设置，并配有休息驿站、直饮水点和公共卫生间，方便市民休憩。',
      '为保护湿地生态，公园内设置了{n:3-8}处鸟类观察点，并限制夜间灯光照度，目前已记录到鸟类{n:60-120}种。',
      '据介绍，{park}实行24小时开放，管理部门在园内安装了智能照明和一键报警装置，保障夜间游园安全。',
      '口袋公园虽然面积不大，但设置了儿童游乐、健身器材和林荫座椅，周边居民步行{n:5-10}分钟即可到达。',
      '今年以来，{district}已新增绿地{n:5-20}万平方米，新建绿道{f:5-20}公里，人均公共绿地面积达到{f:9-14}平方米。',
      '园区入口处设有PM2.5和负氧离子实时监测屏，市民可以随时了解空气质量。',
      '{park}的改造充分吸纳了市民意见，增设了宠物活动区和儿童自然游戏场。',
      '园内植物配置兼顾四季景观，春有樱花、夏有荷花、秋有红枫、冬有腊梅。',
    ],
    quotes: [
      '“以前这里是堆场，灰尘特别大，现在每天晚饭后都来走一圈。”家住附近的{resident}说。',
      '“我们希望让市民推窗见绿、出门入园。”{official}说。',
    ],
    headings: ['还江于民 还岸于民', '小公园里的大民生', '生态优先 人与自然共处', '游园提示'],
    lists: ['新增滨水步道{f:2-8}公里', '新建口袋公园{n:5-15}座', '种植乔木{n:3000-12000}株', '设置休息驿站{n:4-12}处'],
    captions: ['市民在{park}沿江步道散步。', '{park}内的亲水平台。'],
  },

  'waste-sorting': {
    label: '垃圾分类',
    agencies: [
      { name: '区绿化和市容管理局', roles: ['相关负责人', '副局长'] },
    ],
    titles: [
      '{community}垃圾分类实效达标率达{n:92-99}%',
      '“定时定点”投放 垃圾箱房变身“小花园”',
      '智能回收箱进小区 旧衣旧书能换积分',
      '湿垃圾就地处理 {street}试点社区堆肥',
      '垃圾分类志愿者守好“最后一米”',
    ],
    kickers: ['垃圾分类 新时尚', '绿色生活 从我做起'],
    subtitles: ['全区居住区垃圾分类达标率保持在{n:95-99}%以上', '可回收物日均回收量达到{n:60-200}吨'],
    leads: [
      '早上七点，{community}的垃圾箱房前，志愿者{resident}已经戴上手套开始“值班”，提醒居民破袋投放湿垃圾。',
      '记者从{agency}了解到，{district}今年以来湿垃圾日均分出量达到{n:300-600}吨，可回收物日均回收量达到{n:60-200}吨。',
      '{md}，{street}首批{n:10-30}台智能回收箱在辖区小区投入使用，居民投放旧衣物、废纸和塑料瓶后，可获得积分兑换生活用品。',
    ],
    details: [
      '改造后的垃圾箱房加装了洗手池、除臭喷淋和雨棚，外墙绘上了彩色壁画，周边还种上了绿植。',
      '智能回收箱通过称重自动计算积分，居民扫码即可查看，积分可在社区“绿色账户”兑换洗衣液、纸巾等生活用品。',
      '社区堆肥点每天可处理湿垃圾约{n:200-500}公斤，产出的有机肥用于小区绿化养护，实现“从餐桌到花坛”的循环。',
      '为解决上班族投放时间冲突的问题，小区在早晚投放时段之外设置了延时投放点，方便居民投放。',
      '街道还组建了由党员、楼组长和中学生组成的志愿者队伍，共{n:100-400}人，轮流在投放点值守指导。',
      '执法部门对未按规定分类的单位开展检查，今年以来共检查{n:300-900}次，督促整改问题{n:50-200}个。',
      '{community}还把垃圾分类写进了居民公约，每月评选“分类示范户”，在小区宣传栏公示。',
      '大件垃圾和装修垃圾实行预约清运，居民通过小程序下单，清运车辆按约定时间上门。',
      '在{district}的湿垃圾资源化利用厂，每天运来的湿垃圾经过分拣、破碎和发酵，转化为沼气和有机肥。',
    ],
    quotes: [
      '“刚开始大家还不习惯，现在基本上都能分对了。”{resident}说。',
      '“垃圾分类贵在坚持，关键要靠每一位居民的自觉。”{official}说。',
    ],
    headings: ['箱房改造提升颜值', '积分激励提高参与度', '湿垃圾变身有机肥', '志愿者守好“最后一米”'],
    lists: ['湿垃圾日均分出量{n:300-600}吨', '可回收物日均回收量{n:60-200}吨', '改造垃圾箱房{n:100-300}座', '投放智能回收箱{n:50-200}台'],
    captions: ['志愿者在{community}垃圾箱房前指导居民分类投放。', '{community}改造后的垃圾箱房。'],
  },

  'old-housing': {
    label: '老旧小区改造',
    agencies: [
      { name: '区住房保障和房屋管理局', roles: ['副局长'] },
      { name: '区住房和城乡建设管理委员会', roles: ['副主任'] },
    ],
    titles: [
      '{community}综合改造完工 老小区换新颜',
      '{district}启动{n:20-60}个老旧小区综合改造',
      '“美丽家园”工程惠及{n:1-3}万户居民',
      '屋顶漏水、管道老化难题一并解决',
      '{community}“菜单式”改造受欢迎',
      '老小区加装充电桩 电动车充电不再难',
    ],
    kickers: ['美丽家园建设', '老旧小区改造进行时', '民生实事'],
    subtitles: ['改造涉及房屋{n:40-120}幢，建筑面积约{f:8-30}万平方米', '居民可从{n:10-20}项改造内容中投票选择'],
    leads: [
      '{md}，{community}综合改造项目通过竣工验收。这个建成于上世纪八十年代的老小区，屋面、外墙、雨污管道和道路都进行了全面修缮。',
      '今年，{district}将对{n:20-60}个老旧小区实施综合改造，涉及房屋{n:300-900}幢、居民{n:1-3}万户，改造项目已全部完成设计招标。',
      '“屋顶再也不漏水了。”站在刚修缮好的楼道里，{community}居民{resident}感慨地说。',
    ],
    details: [
      '改造内容包括屋面防水、外墙保温、雨污分流、道路修复、楼道照明和消防设施更新等，并同步整治小区内的违章搭建。',
      '改造前，社区通过“居民议事厅”发放问卷{n:500-1500}份，让居民在{n:10-20}项改造内容中投票选择最急需的项目。',
      '小区新增电动自行车充电桩{n:50-200}个，并设置集中停放区，从源头上消除电动车“飞线充电”的安全隐患。',
      '针对小区停车难，改造中利用边角地新增机动车停车位{n:30-120}个，并引入智慧停车系统，实现错峰共享。',
      '施工期间，项目部设立了居民接待室，安排专人值班，对居民反映的问题做到当日回应、限期解决。',
      '改造完成后，小区将引入专业物业服务，并由业委会、居委会、物业公司“三方联动”做好长效管理。',
      '小区还完成了二次供水设施改造，{n:6-20}幢楼的居民用上了更洁净稳定的自来水。',
      '针对老年居民较多的特点，改造还在楼道内加装了扶手和休息座椅。',
    ],
    quotes: [
      '“以前楼道里黑乎乎的，电线乱拉，现在装了感应灯，干净亮堂。”{resident2}说。',
      '“改造改什么、怎么改，都由居民说了算。”{official}说。',
    ],
    headings: ['改什么由居民说了算', '“里子”“面子”一起改', '消除安全隐患', '建管并重保长效'],
    lists: ['屋面防水及外墙修缮', '雨污分流及道路修复', '新增停车位{n:30-120}个', '新增充电桩{n:50-200}个'],
    captions: ['改造后的{community}外立面焕然一新。', '工人在{community}进行屋面防水施工。'],
  },

  culture: {
    label: '文化',
    agencies: [
      { name: '区文化和旅游局', roles: ['副局长', '公共文化科科长'] },
    ],
    titles: [
      '{venue}推出{n:20-60}场公益文化活动',
      '“书香滨江”全民阅读月启动',
      '非遗技艺进社区 居民学做传统手工',
      '滨江艺术季开幕 {n:30-80}场演出轮番上演',
      '老厂房里的音乐节吸引年轻人',
      '{district}首家24小时城市书房开放',
      '江城民俗文化节在{park}举行',
    ],
    kickers: ['文化惠民', '周末去哪儿', '品读滨江'],
    subtitles: ['活动将持续一个月，市民可通过“文化江城”App预约', '全区公共文化设施免费开放率达到{n:95-100}%'],
    leads: [
      '{md}晚，滨江艺术季在{venue}拉开帷幕。本届艺术季为期一个月，将推出戏剧、音乐会、展览和讲座等{n:30-80}场活动。',
      '记者从{agency}获悉，{district}首家24小时城市书房日前在{road}开放，藏书{n:8000-20000}册，市民刷身份证或扫码即可入内。',
      '周末下午，{community}活动室里座无虚席。剪纸非遗传承人{personFull}一边示范，一边耐心指导居民剪出一幅幅窗花。',
    ],
    details: [
      '本届艺术季坚持公益为主，超过六成的演出免费向市民开放，其余演出票价不超过{n:50-120}元。',
      '城市书房内设有亲子阅读区、自习区和展览区，配备自助借还设备和Wi-Fi，与区图书馆实现通借通还。',
      '活动现场还设置了VR文化体验区，观众戴上眼镜就能“走进”江城老城厢，感受百年前的街巷风貌。',
      '据统计，今年以来{district}共举办各类群众文化活动{n:800-2000}场，参与市民超过{n:20-60}万人次。',
      '非遗进社区活动已覆盖全区{n:40-120}个居委会，内容涵盖剪纸、竹编、灯彩和传统戏曲等项目。',
      '主办方还邀请了{n:5-12}支社区文艺团队登台演出，让居民从台下观众变成台上主角。',
      '本届艺术季还特别设置了“社区专场”，把演出送进{community}等{n:10-20}个社区的广场和活动室。',
      '城市书房由区图书馆统一配送图书，每月更新{n:300-800}册，并根据读者借阅数据调整书目。',
      '{venue}同步推出线上展厅，市民足不出户也能通过手机欣赏展品，上线以来访问量已超过{n:10-50}万人次。',
      '不少年轻人专程赶来打卡，有的还穿上了汉服，在老街区里拍照留念。',
    ],
    quotes: [
      '“下班后来这里看看书，很安静，也很有氛围。”在附近工作的{resident}说。',
      '“我们希望把优质文化资源送到居民家门口。”{official}说。',
    ],
    headings: ['文化活动“上新”', '阅读空间遍布街巷', '让非遗“活”在当下', '文化惠民扩面提质'],
    lists: ['演出展览{n:30-80}场', '公益讲座{n:10-30}场', '非遗体验活动{n:20-60}场', '城市书房{n:6-20}家'],
    captions: ['市民在城市书房内阅读。', '非遗传承人在{community}教居民剪纸。', '滨江艺术季开幕演出现场。'],
  },

  sports: {
    label: '体育',
    agencies: [{ name: '区体育局', roles: ['副局长', '群体科科长'] }],
    titles: [
      '滨江半程马拉松开跑 {n:8000-15000}名选手参赛',
      '{district}社区运动会闭幕 {street}代表队夺冠',
      '{gym}游泳馆暑期向中小学生免费开放',
      '家门口的健身步道又多了{n:5-15}条',
      '江城青少年足球联赛滨江赛区开赛',
      '三人篮球赛点燃夏夜激情',
    ],
    kickers: ['全民健身', '赛事速递', '运动滨江'],
    subtitles: ['赛道途经{park}等多处地标，沿途设置补给站{n:8-15}个', '比赛共设{n:8-20}个项目，吸引{n:1000-3000}名居民参与'],
    leads: [
      '{md}清晨七点，{year}滨江半程马拉松在{gym}鸣枪开跑，来自全国各地的{n:8000-15000}名跑者沿江奔跑，感受城市活力。',
      '经过{n:2-4}天的激烈角逐，{district}第{n:5-15}届社区运动会日前在{gym}落下帷幕，{street}代表队以总分第一的成绩夺冠。',
      '暑假期间，{gym}游泳馆每天上午向本区中小学生免费开放，并安排专业教练开展防溺水安全教育。',
    ],
    details: [
      '本次比赛设置半程马拉松、10公里跑和迷你跑三个项目，赛道经过{park}、{road}等城市地标，沿途设有补给站{n:8-15}个。',
      '为保障赛事安全，主办方配备了医疗志愿者{n:100-300}名、AED设备{n:20-60}台，并在终点设置医疗救护站。',
      '社区运动会项目接地气，除了跳绳、踢毽子、拔河等传统项目，还增加了飞盘、匹克球等新兴运动。',
      '今年以来，{district}新建、改建健身步道{n:5-15}条、市民球场{n:10-30}片，居民步行{n:10-15}分钟即可到达健身场所。',
      '比赛期间，{road}部分路段将实行临时交通管制，请市民合理安排出行。',
      '目前，全区经常参加体育锻炼的人数比例已达到{f:45-50}%，公共体育场馆免费或低收费开放时间每周不少于{n:20-35}小时。',
      '赛事首次启用电子芯片计时和AI人脸识别检录，选手完赛后几分钟内就能在手机上查询成绩。',
      '{gym}的{p:羽毛球馆|乒乓球馆|篮球馆}在工作日晚间和周末向市民低价开放，通过“运动江城”App即可预约场地。',
      '社区运动会的参赛选手年龄跨度很大，最小的只有{n:6-9}岁，最年长的已经{n:75-82}岁。',
    ],
    quotes: [
      '“沿着江边跑，风景特别好，明年还要来！”来自外地的跑者{resident}说。',
      '“比赛不在乎输赢，大家一起动起来最重要。”参赛居民{resident2}说。',
      '“我们要让更多市民在家门口享受运动的快乐。”{official}说。',
    ],
    headings: ['赛道风景美如画', '全民参与 人人健身', '赛事保障细致周到', '交通管制提示'],
    lists: ['半程马拉松 {n:4000-8000}人', '10公里跑 {n:2000-5000}人', '迷你跑 {n:1000-3000}人', '补给站{n:8-15}个'],
    captions: ['选手们沿滨江大道奔跑。', '居民在{gym}参加社区运动会拔河比赛。'],
  },

  business: {
    label: '营商环境',
    agencies: [
      { name: '区商务委员会', roles: ['副主任'] },
      { name: '区市场监督管理局', roles: ['副局长'] },
      { name: '区政务服务中心', roles: ['主任'] },
    ],
    titles: [
      '企业开办“一网通办” 最快半天拿执照',
      '{district}出台优化营商环境{n:20-40}条措施',
      '用好RCEP红利 外贸企业出口额增长{f:10-30}%',
      '“12345”热线企业诉求办结率达{n:95-99}%',
      '政务服务中心推出“帮办代办”窗口',
      '{n:10-30}家重点企业获“服务包”精准支持',
      '{street}打造“15分钟政务服务圈”',
    ],
    kickers: ['优化营商环境', '为企业办实事', '稳增长 促发展'],
    subtitles: ['企业开办时间压缩至{f:0.5-1}个工作日', '今年以来全区新设市场主体{n:5000-15000}户'],
    leads: [
      '记者从{agency}获悉，今年以来，{district}新设市场主体{n:5000-15000}户，同比增长{f:5-20}%，市场活力持续释放。',
      '{md}，{district}召开优化营商环境大会，发布{n:20-40}条具体措施，涉及企业开办、项目审批、融资服务和人才保障等方面。',
      '在{district}政务服务中心，{company}的工作人员只用了不到半天，就办完了新公司的营业执照、公章刻制和税务登记。',
    ],
    details: [
      '企业开办实现“一表申请、一窗发放、一日办结”，申请人通过“一网通办”平台提交材料后，可选择免费邮寄送达证照和印章。',
      '针对外贸企业，{district}开展RCEP政策专场培训{n:5-20}场，帮助企业用好原产地累积规则，今年已为企业节省关税约{n:500-3000}万元。',
      '区里为{n:10-30}家重点企业配备“服务专员”，实行“一企一档”，企业遇到的用地、用工、融资难题可以“一个电话直达”。',
      '工程建设项目审批实行“并联审批、容缺受理”，社会投资低风险项目从立项到取得施工许可最快{n:10-20}个工作日。',
      '今年以来，“12345”市民服务热线共受理企业诉求{n:2000-6000}件，办结率达到{n:95-99}%，满意率{f:90-98}%。',
      '{district}还联合{n:5-12}家银行推出“科创贷”“园区贷”等金融产品，累计为中小企业发放贷款{f:10-60}亿元。',
      '政务服务中心设置了“办不成事”反映窗口，企业和群众在办事过程中遇到的疑难问题可以在这里兜底解决。',
      '{district}每月举办“政企面对面”座谈会，职能部门负责人现场听取企业诉求，能解决的当场解决。',
      '今年以来，{district}外贸进出口总额达到{f:80-300}亿元，同比增长{f:3-15}%，其中对RCEP成员国进出口占比超过三成。',
    ],
    quotes: [
      '“没想到这么快，材料提交后当天就拿到了执照。”{company}负责人{personFull}说。',
      '“企业有所呼，我们必有所应。”{official}说。',
    ],
    headings: ['审批提速 企业受益', 'RCEP带来新机遇', '“服务专员”上门解难题', '金融活水精准滴灌'],
    lists: ['企业开办{f:0.5-1}个工作日办结', '新设市场主体{n:5000-15000}户', '为企业节省关税{n:500-3000}万元', '发放中小企业贷款{f:10-60}亿元'],
    captions: ['市民在{district}政务服务中心办理业务。', '{company}的生产车间。'],
  },

  health: {
    label: '医疗卫生',
    agencies: [
      { name: '区卫生健康委员会', roles: ['副主任', '基层卫生科科长'] },
    ],
    titles: [
      '{hospital}新院区开诊',
      '家庭医生签约服务覆盖{n:40-70}万居民',
      '社区医院也能做CT了',
      '“互联网+护理”让居民在家就能换药',
      '{district}启动秋冬季流感疫苗接种',
      '急救站点加密 120平均到达时间缩短至{n:10-14}分钟',
    ],
    kickers: ['健康滨江', '守护群众健康', '便民就医'],
    subtitles: ['新院区开放床位{n:300-800}张，设置临床科室{n:20-40}个', '居民可通过“健康江城”App预约挂号'],
    leads: [
      '{md}，{hospital}新院区正式开诊。新院区位于{road}，开放床位{n:300-800}张，设有急诊、门诊、住院和医技等功能区。',
      '记者从{agency}获悉，{district}今年起在{n:4-12}家社区卫生服务中心配置CT设备，居民在家门口就能完成常规检查。',
      '上午九点，{hospital}全科诊室里，家庭医生{personFull}正在为签约居民{resident}调整降压药的剂量。',
    ],
    details: [
      '新院区引入智慧医院系统，患者通过手机即可完成预约、缴费和查询报告，门诊平均等候时间缩短了{n:20-40}分钟。',
      '社区卫生服务中心与区中心医院建立影像远程诊断平台，CT检查结果{n:1-2}小时内即可出具报告。',
      '截至目前，{district}家庭医生签约居民已达{n:40-70}万人，其中65岁以上老年人签约率超过{n:80-90}%。',
      '护士上门服务项目包括换药、管路护理、采血等{n:10-30}项，居民可通过App下单，服务价格按照本市统一标准执行。',
      '流感疫苗接种点覆盖全区所有社区卫生服务中心，60岁以上本市户籍老人可免费接种。',
      '全区新增急救分站{n:2-5}个，急救车辆增至{n:20-50}辆，急救呼叫平均响应时间进一步缩短。',
      '{hospital}还开设了夜间门诊和周末门诊，方便上班族就医，开诊以来日均接诊{n:100-400}人次。',
      '针对慢性病患者，社区卫生服务中心推出“长处方”服务，符合条件的患者一次可配足{n:4-12}周用药。',
      '区里还组织医生走进{community}开展义诊，为居民提供血压、血糖测量和用药咨询。',
    ],
    quotes: [
      '“以前做个CT要跑大医院排队，现在社区就能做，省了不少事。”{resident2}说。',
      '“我们要让居民在家门口就能享受到优质医疗服务。”{official}说。',
    ],
    headings: ['优质医疗资源下沉', '智慧医疗减少排队', '家庭医生当好“健康守门人”', '接种提示'],
    lists: ['开放床位{n:300-800}张', '家庭医生签约{n:40-70}万人', '新增急救分站{n:2-5}个', '社区CT设备{n:4-12}台'],
    captions: ['医生在{hospital}为居民检查身体。', '{hospital}新院区外景。'],
  },

  traffic: {
    label: '交通出行',
    agencies: [
      { name: '区建设和管理委员会', roles: ['副主任'] },
      { name: '区交警支队', roles: ['副支队长'] },
    ],
    titles: [
      '{road}拓宽改造工程完工通车',
      '{district}新增公共停车泊位{n:1000-3000}个',
      '“潮汐车道”缓解{road}早晚高峰拥堵',
      '新开{n:2-5}条公交线路 方便居民出行',
      '学校周边增设“护学通道”',
      '共享单车停放乱象整治见成效',
    ],
    kickers: ['畅通城市“微循环”', '出行更便捷', '交通提示'],
    subtitles: ['道路由双向两车道拓宽为双向四车道', '高峰时段通行效率提高约{n:15-30}%'],
    leads: [
      '{md}，{road}拓宽改造工程完工通车。改造后，道路由双向两车道拓宽为双向四车道，并增设了非机动车道和人行道。',
      '记者从{agency}获悉，今年以来{district}打通“断头路”{n:3-8}条，新增公共停车泊位{n:1000-3000}个，城市交通“微循环”进一步优化。',
      '早高峰七点半，{road}的“潮汐车道”指示灯由红转绿，进城方向车流随即驶入中间车道，通行明显顺畅。',
    ],
    details: [
      '为确保施工期间交通有序，施工单位采取“半幅施工、半幅通行”的方式，同步完成了雨水管道和通信管线的更新。',
      '“潮汐车道”根据早晚高峰车流方向变化调整通行方向，启用后该路段高峰时段通行效率提高了约{n:15-30}%。',
      '新开通的公交线路连接{station}与周边居住区，高峰时段发车间隔{n:6-12}分钟，平峰时段{n:12-20}分钟。',
      '{district}通过错峰共享、挖潜新建等方式新增停车泊位，居民可通过“江城停车”App查询空余车位并在线缴费。',
      '学校周边的“护学通道”在上下学时段禁止社会车辆停放，并设置了临时接送区，家长即停即走。',
      '针对共享单车乱停放问题，{district}在地铁站和商圈周边设置电子围栏停放区{n:100-300}处，并要求运营企业及时调度清运。',
      '改造中同步建设了无障碍坡道和盲道，并在主要路口增设了行人过街信号灯。',
      '交警部门在{road}沿线增设{n:3-8}处电子监控设备，对违法停车、不按道行驶等行为进行抓拍。',
      '为方便老年人出行，新开通的线路全部采用低地板公交车，车厢内设有爱心专座和轮椅停放区。',
    ],
    quotes: [
      '“以前这条路一到高峰就堵，现在宽了，开车、骑车都舒服多了。”{resident}说。',
      '“我们将持续打通城市交通堵点，让市民出行更顺畅。”{official}说。',
    ],
    headings: ['打通“断头路”', '停车难有了新解法', '公交线网持续优化', '出行提示'],
    lists: ['打通断头路{n:3-8}条', '新增停车泊位{n:1000-3000}个', '新开公交线路{n:2-5}条', '设置电子围栏停放区{n:100-300}处'],
    captions: ['拓宽改造后的{road}。', '公交车驶过{station}附近的新站台。'],
  },

  essay: {
    label: '副刊',
    agencies: [],
    titles: [
      '江边的早市与一碗小馄饨',
      '外婆家的那棵老桂花树',
      '在{park}听一场秋雨',
      '父亲的二八自行车和旧时光',
      '老街口那家修表铺子',
      '从弄堂到电梯房的三十年',
      '又是一年枇杷黄时节',
      '地铁上读书的年轻人',
      '{park}的黄昏与晚风',
    ],
    kickers: ['滨江笔会', '城市记忆', '江城随笔'],
    subtitles: [],
    leads: [
      '小时候住在{road}的老房子里，每天清晨最先醒来的不是闹钟，而是楼下早市的吆喝声。',
      '入秋以后，{park}的芦苇一天天白了头。傍晚沿着江堤走，风里带着水汽和桂花的甜香。',
      '父亲那辆二八自行车，在我们家整整骑了{n:20-30}年。',
      '搬进新楼的第一个晚上，母亲站在阳台上看了很久，说这里的灯火比老弄堂亮多了。',
    ],
    details: [
      '那时候的日子过得慢，一碗小馄饨、一根油条，就是一个早晨全部的幸福。',
      '卖菜的阿婆总会多塞给我一把小葱，说是“添头”，如今想起来，那份人情味比什么都珍贵。',
      '城市一年年长高、长大，有些东西走远了，也有些东西以新的样子回来了。',
      '江水不急不缓地流着，对岸的高楼亮起灯，倒映在水里，像一幅慢慢晕开的水彩画。',
      '我常常想，所谓故乡，大概就是那些熟悉的声音、气味和面孔。',
      '后来老房子拆了，原址上建起了公园，孩子们在草坪上奔跑，笑声和当年的我们一模一样。',
      '读书的人低着头，地铁在黑暗中穿行，而书页里是另一片辽阔的天地。',
      '秋天的雨总是来得悄无声息，打在梧桐叶上沙沙作响，像有人在耳边轻声说话。',
      '日子就像这条江，看似平静，其实每一天都在向前。',
      '修表的老师傅戴着放大镜，一坐就是一下午，他说，钟表走得准，人心才踏实。',
      '那年冬天特别冷，一家人围着煤炉吃饭，窗玻璃上结满了水汽，谁也舍不得先离开饭桌。',
      '如今再回到这条街，梧桐还在，只是树下乘凉的人换了一茬又一茬。',
      '巷子口的老虎灶早已不见了，可每当闻到煤烟的味道，我总会想起那只被熏黑的铜壶。',
      '母亲说，过日子就像腌咸菜，急不得，要等时间慢慢把味道酿出来。',
      '傍晚的公园里，有人打太极，有人放风筝，还有人坐在长椅上，安静地看夕阳一点点沉进江里。',
      '街角新开的书店亮着暖黄的灯，玻璃窗上贴着一行小字：欢迎进来坐坐。',
      '那些年寄出去的信，有的收到了回音，有的没有，但写信时的那份郑重，至今还记得。',
      '老邻居们搬去了不同的小区，逢年过节仍会在微信群里互道问候，仿佛从未走远。',
      '枇杷熟了的时候，外婆会摘下一篮，挨家挨户分给邻居，说好东西要大家一起尝。',
      '江风吹过来，带着一点潮湿的青草味，远处传来轮船悠长的汽笛声。',
      '我忽然明白，城市的温度，不在楼有多高，而在人与人之间的那一点牵挂。',
    ],
    quotes: ['“人间有味是清欢。”', '“春江潮水连海平，海上明月共潮生。”', '“日出江花红胜火，春来江水绿如蓝。”'],
    headings: [],
    lists: [],
    captions: ['{park}秋色。', '老街一角。', '晨光中的江岸。'],
  },
};

const NEWS_TOPICS = (Object.keys(TOPICS) as TopicId[]).filter((id) => id !== 'essay');

/** Sentences that fit any civic news story. */
const CIVIC_SENTENCES = [
  '近年来，{district}坚持“民有所呼、我有所应”，把群众满意作为检验工作成效的重要标准。',
  '对群众反映集中的问题，相关部门建立了问题清单、任务清单和责任清单，逐项跟踪、销号管理。',
  '{district}人大代表、政协委员多次到现场调研，围绕群众关心的问题提出意见建议。',
  '据了解，项目资金由区级财政和社会资本共同承担，其中区级财政投入约{n:300-3000}万元。',
  '今年{district}共确定{n:10-20}项民生实事项目，目前已完成年度目标的{n:70-95}%。',
  '{district}还将相关经验做法整理成工作指引，供其他街镇参考借鉴。',
  '市民可以通过“江城通”App或“12345”热线反映问题，相关部门承诺在{n:3-5}个工作日内答复。',
  '{agency}相关负责人介绍，接下来将重点做好三方面工作：一是完善制度机制，二是加强督查考核，三是扩大宣传引导。',
  '记者注意到，现场不少市民拿出手机拍照，把身边的新变化分享到朋友圈。',
  '从数据看，相关指标已连续{n:3-5}年保持增长，群众满意度测评达到{n:92-99}%。',
  '这只是{district}践行“人民城市”理念的一个缩影。',
  '为确保工作落到实处，{district}将其纳入年度绩效考核，每季度通报一次推进情况。',
];

/** Sentences for stories set in a street or residential community. */
const NEIGHBOURHOOD_SENTENCES = [
  '{street}将此项工作列入年度重点任务，成立由主要领导牵头的工作专班，每周召开推进会协调解决难点问题。',
  '为了让居民及时了解进展，社区在宣传栏、楼道公告栏和居民微信群同步发布工作动态。',
  '不少居民主动当起了志愿者，帮助工作人员入户宣传、收集意见。',
  '在推进过程中，{street}坚持把工作做在前面，先后走访居民和商户{n:200-800}户次。',
  '为了听取更多居民的声音，街道还邀请“社区规划师”全程参与，从专业角度提出建议。',
  '在{community}，正在散步的{resident2}说起身边的这些变化，连连称赞。',
  '社区还联合物业对辖区楼道、消防通道开展了一次安全隐患排查。',
  '居委会干部告诉记者，事情办得好不好，居民心里最清楚，大家的笑脸就是最好的评价。',
];

const NEIGHBOURHOOD_TOPICS: ReadonlySet<TopicId> = new Set<TopicId>([
  'urban-renewal', 'elevator', 'elderly-care', 'waste-sorting', 'old-housing', 'riverside-green', 'health', 'traffic', 'culture',
]);

/** Last sentences of a news story. */
const CLOSING_SENTENCES = [
  '下一步，{district}将继续总结经验做法，推动相关工作提质扩面。',
  '{district}相关部门表示，将持续跟踪工作进展，及时回应群众关切。',
  '市民如有疑问，可拨打“12345”市民服务热线咨询。',
  '据悉，相关工作已纳入{district}{year}年民生实事项目，年底前全部完成。',
  '{agency}表示，将坚持问需于民、问计于民，把实事办到群众心坎上。',
];

const TOPIC_CLOSING_SENTENCES: Partial<Record<TopicId, readonly string[]>> = {
  elevator: ['下一步，{district}将继续推进“整小区、成片化”加装电梯，力争年底前再完成{n:50-120}台。'],
  education: ['具体招生政策和报名流程，家长可登录区教育局官方网站查询。'],
  metro: ['据悉，地铁{line}号线全线计划于{nextyear}年年底前建成通车。'],
  culture: ['活动详情可关注“文化江城”微信公众号查询。'],
  sports: ['更多赛事信息可关注“运动江城”微信公众号。'],
  health: ['{agency}提醒，市民就医前可通过“健康江城”App提前预约，错峰就诊。'],
};

export const PAGE_NAMES = ['要闻', '综合', '城区', '民生', '教育', '文体', '专版', '副刊'] as const;

const PAGE_TOPICS: Record<string, readonly TopicId[]> = {
  要闻: ['urban-renewal', 'metro', 'tech-park', 'business', 'old-housing', 'education'],
  综合: ['business', 'tech-park', 'traffic', 'health', 'waste-sorting'],
  城区: ['urban-renewal', 'old-housing', 'riverside-green', 'metro', 'traffic'],
  民生: ['elevator', 'elderly-care', 'health', 'waste-sorting', 'old-housing'],
  教育: ['education'],
  文体: ['culture', 'sports'],
  专版: ['business', 'tech-park', 'urban-renewal'],
  副刊: ['essay'],
};

export function topicsForPage(pageName: string): readonly TopicId[] {
  return PAGE_TOPICS[pageName] ?? NEWS_TOPICS;
}

export function allTopics(): readonly TopicId[] {
  return Object.keys(TOPICS) as TopicId[];
}

// ---------------------------------------------------------------------------------------------
// Template filling.

/** Per-article choices, so one story talks about one community, one agency, one set of figures. */
class ArticleContext {
  private readonly memo = new Map<string, string>();
  private readonly agency: Agency | undefined;
  private readonly base: Date;

  constructor(
    private readonly rng: Rng,
    topic: TopicBank,
    date: string,
  ) {
    this.agency = topic.agencies.length > 0 ? rng.pick(topic.agencies) : undefined;
    this.base = parseIsoDate(date);
  }

  fill(template: string): string {
    return template.replace(/\{([a-zA-Z0-9]+)(?::([^}]*))?\}/g, (token, slot: string, args?: string) => {
      const cached = this.memo.get(token);
      if (cached !== undefined) return cached;
      const value = this.resolve(slot, args ?? '');
      this.memo.set(token, value);
      return value;
    });
  }

  private resolve(slot: string, args: string): string {
    const rng = this.rng;
    switch (slot) {
      case 'n': {
        const [low, high] = parseRange(args);
        return String(rng.int(low, high));
      }
      case 'f': {
        const [low, high] = parseRange(args);
        return (low + rng.next() * (high - low)).toFixed(1);
      }
      case 'p':
        return rng.pick(args.split('|'));
      case 'district':
        return DISTRICT;
      case 'city':
        return CITY;
      case 'street':
        return rng.pick(STREETS);
      case 'street2':
        return this.other('street', STREETS);
      case 'community':
        return rng.pick(COMMUNITIES);
      case 'road':
        return rng.pick(ROADS);
      case 'road2':
        return this.other('road', ROADS);
      case 'school':
        return rng.pick(SCHOOLS);
      case 'park':
        return rng.pick(PARKS);
      case 'line':
        return rng.pick(METRO_LINES);
      case 'station':
        return rng.pick(STATIONS);
      case 'campus':
        return rng.pick(CAMPUSES);
      case 'company':
        return rng.pick(COMPANIES);
      case 'venue':
        return rng.pick(VENUES);
      case 'gym':
        return rng.pick(GYMS);
      case 'hospital':
        return rng.pick(HOSPITALS);
      case 'agency':
        return this.agency ? this.fill(this.agency.name) : `${DISTRICT}有关部门`;
      case 'official':
        return this.agency ? `${this.fill('{agency}')}${rng.pick(this.agency.roles)}${randomFullName(rng)}` : `${DISTRICT}有关部门负责人`;
      case 'resident':
      case 'resident2':
        return rng.chance(0.7) ? `${rng.pick(SURNAMES)}${rng.pick(RESIDENT_SUFFIXES)}` : `居民${randomFullName(rng)}`;
      case 'personFull':
        return randomFullName(rng);
      case 'surname':
        return rng.pick(SURNAMES);
      case 'reporter':
        return rng.pick(REPORTERS);
      case 'md':
        return formatMonthDay(addDays(this.base, -rng.int(0, 3)));
      case 'md2':
        return formatMonthDay(addDays(this.base, rng.int(5, 12)));
      case 'year':
        return String(this.base.getUTCFullYear());
      case 'nextyear':
        return String(this.base.getUTCFullYear() + 1);
      case 'month':
        return String(this.base.getUTCMonth() + 1);
      default:
        throw new Error(`unknown text slot {${slot}}`);
    }
  }

  /** A value different from the one already chosen for `slot`. */
  private other(slot: string, values: readonly string[]): string {
    const taken = this.fill(`{${slot}}`);
    return this.rng.pick(values.filter((v) => v !== taken));
  }
}

function parseRange(args: string): [number, number] {
  const match = /^([\d.]+)-([\d.]+)$/.exec(args);
  if (!match) throw new Error(`expected a range like 3-12, got "${args}"`);
  return [Number(match[1]), Number(match[2])];
}

function randomFullName(rng: Rng): string {
  return `${rng.pick(SURNAMES)}${rng.pick(GIVEN_NAMES)}`;
}

function parseIsoDate(date: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`expected a YYYY-MM-DD date, got "${date}"`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function formatMonthDay(date: Date): string {
  return `${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
}

// ---------------------------------------------------------------------------------------------
// Article assembly.

export function generateArticleText(rng: Rng, options: ArticleTextOptions): ArticleText {
  const topicId = rng.pick(options.topics && options.topics.length > 0 ? options.topics : NEWS_TOPICS);
  const topic = TOPICS[topicId];
  const ctx = new ArticleContext(rng, topic, options.date);
  const isEssay = topicId === 'essay';

  const title = generateTitle(rng, ctx, topic);
  const kicker = topic.kickers.length > 0 && rng.chance(isEssay ? 0.5 : 0.3) ? ctx.fill(rng.pick(topic.kickers)) : undefined;
  const subtitle = topic.subtitles.length > 0 && rng.chance(0.3) ? ctx.fill(rng.pick(topic.subtitles)) : undefined;
  const byline = isEssay ? `文/${randomFullName(rng)}` : rng.chance(0.8) ? generateByline(rng) : undefined;
  const body = new BodyWriter(rng, ctx, topicId, topic).write(options, byline === undefined && !isEssay);
  const caption = generateCaption(rng, ctx, topic);

  return {
    topic: topicId,
    title,
    ...(kicker !== undefined ? { kicker } : {}),
    ...(subtitle !== undefined ? { subtitle } : {}),
    ...(byline !== undefined ? { byline } : {}),
    body,
    caption,
  };
}

function generateTitle(rng: Rng, ctx: ArticleContext, topic: TopicBank): string {
  for (let attempt = 0; attempt < 30; attempt++) {
    const title = ctx.fill(rng.pick(topic.titles));
    if (title.length >= TITLE_MIN_CHARS && title.length <= TITLE_MAX_CHARS) return title;
  }
  return `${DISTRICT}${topic.label}工作取得新进展`;
}

function generateByline(rng: Rng): string {
  const reporter = rng.pick(REPORTERS);
  switch (rng.int(0, 5)) {
    case 0:
    case 1:
      return `本报记者 ${reporter}`;
    case 2:
      return `本报记者 ${reporter} ${rng.pick(REPORTERS.filter((r) => r !== reporter))}`;
    case 3:
      return `本报记者 ${reporter} 通讯员 ${randomFullName(rng)}`;
    case 4:
      return `通讯员 ${randomFullName(rng)}`;
    default:
      return `本报记者 ${reporter} 实习生 ${randomFullName(rng)}`;
  }
}

function generateCaption(rng: Rng, ctx: ArticleContext, topic: TopicBank): string {
  const caption = ctx.fill(rng.pick(topic.captions));
  return rng.chance(0.6) ? `${caption} 本报记者 ${rng.pick(REPORTERS)} 摄` : caption;
}

interface Sentence {
  template: string;
  quote: boolean;
}

/**
 * Writes the body from a per-article deck of sentences. No sentence is used twice, so when the
 * deck runs dry the article ends: better a shorter story than a repetitive one.
 */
class BodyWriter {
  private readonly blocks: TextBlock[] = [];
  private readonly deck: Sentence[];
  private readonly headings: string[];
  private readonly lists: string[];
  private chars = 0;

  constructor(
    private readonly rng: Rng,
    private readonly ctx: ArticleContext,
    private readonly topicId: TopicId,
    private readonly topic: TopicBank,
  ) {
    this.deck = this.buildDeck();
    this.headings = rng.shuffle(topic.headings);
    this.lists = rng.shuffle(topic.lists);
  }

  /** Topic sentences first-ish, generic civic sentences mixed into the later part. */
  private buildDeck(): Sentence[] {
    const rng = this.rng;
    const own = rng.shuffle([
      ...this.topic.details.map((template) => ({ template, quote: false })),
      ...this.topic.quotes.map((template) => ({ template, quote: true })),
    ]);
    if (this.topicId === 'essay') return own;
    const generic = [
      ...rng.sample(CIVIC_SENTENCES, rng.int(4, 7)),
      ...(NEIGHBOURHOOD_TOPICS.has(this.topicId) ? rng.sample(NEIGHBOURHOOD_SENTENCES, rng.int(2, 4)) : []),
    ];
    for (const template of rng.shuffle(generic)) own.splice(rng.int(Math.min(3, own.length), own.length), 0, { template, quote: false });
    return own;
  }

  write(options: ArticleTextOptions, datelinePrefix: boolean): TextBlock[] {
    const rng = this.rng;
    const targetChars = options.chars ? rng.int(options.chars[0], options.chars[1]) : 0;
    const [minBlocks, maxBlocks] = options.blocks ?? [3, 12];
    const maxBlockCount = options.chars ? 200 : rng.int(minBlocks, maxBlocks);
    const done = (): boolean => this.blocks.length >= maxBlockCount || (options.chars !== undefined && this.chars >= targetChars);

    this.push('paragraph', this.paragraph(this.lead(datelinePrefix)) ?? this.lead(false));
    while (!done()) {
      const room = maxBlockCount - this.blocks.length;
      const last = this.blocks[this.blocks.length - 1] as TextBlock;
      const roll = rng.next();
      if (roll < 0.16 && room >= 2 && this.headings.length > 0 && last.type !== 'heading') {
        // A heading is always followed by a paragraph, never left dangling at the end.
        const paragraph = this.paragraph('');
        if (paragraph === undefined) break;
        this.push('heading', this.ctx.fill(this.headings.pop() as string));
        this.push('paragraph', paragraph);
      } else if (roll < 0.28 && room >= 2 && this.lists.length >= 2 && last.type !== 'list') {
        this.pushListRun(Math.min(room, rng.int(2, 4)));
      } else if (roll < 0.34 && last.type === 'paragraph' && this.hasQuote()) {
        this.push('quote', this.pullQuote());
      } else {
        const paragraph = this.paragraph('');
        if (paragraph === undefined) break;
        this.push('paragraph', paragraph);
      }
    }
    this.appendClosingSentence();
    return this.blocks;
  }

  private lead(datelinePrefix: boolean): string {
    const dateline = datelinePrefix ? `本报讯（记者 ${this.rng.pick(REPORTERS)}）` : '';
    return dateline + this.ctx.fill(this.rng.pick(this.topic.leads));
  }

  private push(type: TextBlock['type'], text: string): void {
    this.blocks.push({ type, text });
    this.chars += text.length;
  }

  private pushListRun(count: number): void {
    const bullet = this.rng.pick(['◆', '●']);
    for (let i = 0; i < count && this.lists.length > 0; i++) this.push('list', `${bullet}${this.ctx.fill(this.lists.pop() as string)}`);
  }

  private hasQuote(): boolean {
    return this.deck.some((s) => s.quote);
  }

  /** Just the quoted words of a quote sentence; the attribution reads oddly in a pull quote. */
  private pullQuote(): string {
    const index = this.deck.findIndex((s) => s.quote);
    const [sentence] = this.deck.splice(index, 1) as [Sentence];
    const text = this.ctx.fill(sentence.template);
    const end = text.indexOf('”');
    return end > 0 ? text.slice(0, end + 1) : text;
  }

  /** 80–300 characters of whole sentences, or undefined when the deck cannot fill one. */
  private paragraph(opening: string): string | undefined {
    const target = this.rng.int(PARAGRAPH_MIN_CHARS, this.topicId === 'essay' ? 170 : 220);
    let text = opening;
    while (text.length < target && this.deck.length > 0) {
      const index = this.deck.findIndex((s) => text.length + this.ctx.fill(s.template).length <= PARAGRAPH_MAX_CHARS);
      if (index < 0) break;
      const [sentence] = this.deck.splice(index, 1) as [Sentence];
      text += this.ctx.fill(sentence.template);
    }
    return text.length >= PARAGRAPH_MIN_CHARS ? text : undefined;
  }

  private appendClosingSentence(): void {
    if (this.topicId === 'essay' || !this.rng.chance(0.6)) return;
    const closer = this.ctx.fill(this.rng.pick([...CLOSING_SENTENCES, ...(TOPIC_CLOSING_SENTENCES[this.topicId] ?? [])]));
    const last = this.blocks[this.blocks.length - 1] as TextBlock;
    if (last.type === 'paragraph' && last.text.length + closer.length <= PARAGRAPH_MAX_CHARS) {
      last.text += closer;
      this.chars += closer.length;
    }
  }
}
