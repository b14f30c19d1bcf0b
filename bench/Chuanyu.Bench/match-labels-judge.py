# The judgement of the matching quality check (issue 17; protocol in match-labels.md), written down so it can be read and redone:
#   dotnet run --project bench/Chuanyu.Bench -- market-match-quality --make-pool /tmp/match-pool.csv --demands 40 --seed 17
#   python3 bench/Chuanyu.Bench/match-labels-judge.py /tmp/match-pool.csv   # writes bench/Chuanyu.Bench/match-labels.csv
# NEED below is the reviewer's reading of which result subjects address which demand subjects (every other pair: they do not);
# the rest are the records' facts (TRL, modes, price/budget, owner) from the demo csv. No method, rank or score is read here.
import csv, re, sys
rows={ (r['kind'],r['title']):r for r in csv.DictReader(open('src/Chuanyu.Web/Data/Reference/demo-market.csv')) }
pool=list(csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else '/tmp/match-pool.csv')))
def dsub(t): return re.sub(r'需求$','',re.sub(r'^(低成本|川渝联合攻关：|面向量产的)','',t))
def asub(t): return re.sub(r'^(一种|低成本|绿色|面向川渝产业的)','',t)
# The judgement: (demand subject, result subject) -> why the result addresses the need. Every other pair: it does not.
NEED={
 ('动力电池正极材料循环寿命提升','高镍三元正极材料包覆改性技术'): 'coating/doping the high-nickel cathode is the surface modification the demand asks for to slow capacity fade',
 ('镁合金轻量化结构件成形工艺','镁合金高强韧挤压成形工艺'): 'a high-strength, tough magnesium extrusion process answers the low elongation of the extruded brackets',
 ('化工管道防腐涂层国产化','耐腐蚀涂层材料及喷涂工艺'): 'a corrosion-resistant coating with its spraying process is what the pipe lining needs',
 ('车载雷达芯片国产替代','毫米波雷达芯片设计技术'): 'millimetre-wave radar chip design is the capability the module maker wants to license or co-develop',
 ('芯片失效原因分析','芯片失效分析与缺陷定位方法'): 'failure analysis with defect localisation is exactly the service asked for',
 ('工业现场低功耗无线组网','低功耗物联网通信模组'): 'a low-power IoT radio module serves battery-powered sensor nodes on the shop floor',
 ('电驱系统散热方案','新能源汽车电驱系统热管理技术'): 'drive-system thermal management addresses the controller temperature rise',
 ('电驱系统散热方案','石墨烯导热膜规模化制备技术'): 'the demand names heat-dissipation materials; a graphene heat-spreading film is one',
 ('自动驾驶场景仿真测试','智能网联汽车场景仿真测试平台'): 'a scenario simulation test platform for connected vehicles is what the driving-assistance tests need',
 ('电池包碰撞安全防护设计','动力电池包安全防护结构'): 'a battery-pack protection structure answers the failed underbody impact test',
 ('中药配方颗粒质量标准提升','中药有效成分高效提取工艺'): 'extraction of the active constituents is the process step that sets dispensing-granule quality',
 ('基层医院病原快速检测','病原微生物快速检测试剂盒'): 'a rapid pathogen test kit is the product the demand describes',
 ('骨科植入物耐磨涂层','人工关节耐磨涂层技术'): 'a wear-resistant coating for artificial joints is the technology asked for',
 ('柑橘园黄龙病绿色防控','柑橘黄龙病综合防控技术'): 'integrated Huanglongbing control is the orchard\'s need',
 ('名优茶加工自动化改造','茶叶智能化加工装备'): 'intelligent tea-processing equipment replaces the manual fixing and rolling steps',
 ('规模猪场环境智能控制','生猪健康养殖环境控制系统'): 'a pig-house environment control system regulates temperature, humidity and gases',
 ('分布式光伏电站运维监测','光伏组件热斑检测技术'): 'module hot-spot detection is the monitoring function the O&M operator lacks',
 ('城市燃气管网泄漏预警','天然气管道泄漏监测系统'): 'an online gas-pipeline leak monitoring system with localisation answers the need',
 ('储能电站电池健康评估','储能电站电池健康状态评估方法'): 'a state-of-health assessment method for storage-station batteries is the need itself',
}
MODES={'Transfer':'transfer','ExclusiveLicence':'exclusive licence','SoleLicence':'sole licence','OrdinaryLicence':'ordinary licence','Equity':'equity','JointDevelopment':'joint development','TechnicalService':'technical service'}
def wan(x): return float(x)
# Completion (declared in match-labels.md): the templated texts make every result of a judged-relevant subject the same
# judgement, so each demand of such a subject also gets the published results of that subject the pool did not hold.
published=[t for (k,t),r in rows.items() if k=='achievement' and r['status']=='Published']
inpool={(p['demand'],p['result']) for p in pool}
extra=[]
for dem in dict.fromkeys(p['demand'] for p in pool):
  for t in published:
    if (dsub(dem),asub(t)) in NEED and (dem,t) not in inpool:
      extra.append({'demand':dem,'result':t})
print('completion pairs', len(extra))
pool=pool+extra
out=[]
for p in pool:
  d=rows[('demand',p['demand'])]; a=rows[('achievement',p['result'])]
  ds, as_ = dsub(p['demand']), asub(p['result'])
  why=NEED.get((ds,as_))
  if why is None:
    out.append([p['demand'],p['result'],'0','0','0',f'does not address the need (the result is on {as_}, the demand asks for {ds})'])
    continue
  facts=[]
  trl_ok=int(a['trl'])>=int(d['trl'])
  facts.append(f'TRL {a["trl"]} {">=" if trl_ok else "<"} {d["trl"]} asked')
  dm=[m for m in d['modes'].split('|') if m]; am=a['modes'].split('|')
  common=[m for m in dm if m in am]
  mode_ok=not dm or bool(common)
  facts.append(('mode '+MODES[common[0]]+' offered') if common else ('no common mode (asks '+'/'.join(MODES[m] for m in dm)+', offers '+'/'.join(MODES[m] for m in am)+')'))
  if d['negotiable']=='1' or a['negotiable']=='1':
    budget_ok=True; facts.append('price or budget negotiable')
  else:
    price=wan(a['price_min']); budget=wan(d['price_max'])
    budget_ok=price<=budget; facts.append(f'price {a["price_min"]} {"<=" if budget_ok else ">"} budget {d["price_max"]} wan')
  own=a['org']==d['org']
  if own:
    facts.append('but the demand owner\'s own result (' + d['org'] + ')')
  rel=trl_ok and mode_ok and budget_ok and not own
  rel3=mode_ok and budget_ok and not own
  out.append([p['demand'],p['result'],'1' if rel else '0','1' if rel3 else '0','0' if own else '1',f'addresses the need: {why}; '+'; '.join(facts)])
w=csv.writer(open('bench/Chuanyu.Bench/match-labels.csv','w',newline=''),lineterminator='\n')
w.writerow(['demand','result','relevant','relevant_if_trl3','addresses_need','reason'])
w.writerows(sorted(out, key=lambda r: [p['demand'] for p in pool].index(r[0])))
import collections
print(len(out), sum(r[2]=='1' for r in out), sum(r[3]=='1' for r in out), sum(r[5].startswith('addresses') for r in out))
print(len(set(r[0] for r in out)), 'demands;', len(set(r[0] for r in out if r[3]=='1')), 'with a relevant_if_trl3')
print(collections.Counter(dsub(r[0]) for r in out))
for r in out:
  if r[5].startswith('addresses'): print(r)
