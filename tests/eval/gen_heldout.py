import json
S = {1:["299884"],2:["276227"],4:["297669"],5:["287389"],6:["273703","206148"],10:["242177","206213"]}
ALL = ["242177","276227","297669","299884","273703","206148","206213","287389"]
def others(z): return [s for s in ALL if s not in S[z]]
Q = []
def m(q, must, must_not=None):
    d = {"q": q, "must": must}
    if must_not: d["must_not"] = must_not
    Q.append(d)
def ab(q): Q.append({"q": q, "abstain": True})
def gr(q): Q.append({"q": q, "abstain_or_greet": True})

# --- zonas con proyectos ---
m("que obras hay en la z1", S[1], others(1))
m("y en la zona 2?", S[2], others(2))
m("proyetos z2", S[2], others(2))
m("z 4", S[4], others(4))
m("hay algo para la zona 5??", S[5], others(5))
m("que estan haciendo en la z6", S[6], others(6))
m("buenas, vivo en zona seis, q obras del codede hay por aca", S[6], others(6))
m("zona diez", S[10], others(10))
# --- zonas sin proyectos ---
m("q hay en la zona 7", ["zona 7"], ALL)
m("z8", ["zona 8"], ALL)
m("proyectos zona 9 mixco", ["zona 9"], ALL)
m("zona 3 hay algun proyecto?", ["zona 3"], ALL)
m("y para la zona 11 no hay nada?", ["zona 11"], ALL)
# --- zona fuera de rango ---
m("zona 15", ["11"])
m("zona 0", ["11"])
m("proyectos en la zona 18", ["11"])
# --- proyectos por SNIP / lugar / tipo ---
m("snip 276227", ["Molino de las Flores", "1,856,242"])
m("287389", ["Primero de Julio", "375,000"])
m("el pozo del bulevar san nicolas cuanto pisto es", ["297669", "2,665,533"])
m("sacoj chiquito pozo", ["273703"])
m("tanke de agua en la 4ta calle y 6ta avenida", ["299884"])
m("drenaje calle 0 colonia marilu", ["206213"])
m("parque recreativo zona 5", ["287389"])
m("11 avenida A san jose las rosas q estan haciendo", ["206148"])
m("cuales son los proyectos de pozos", ["273703", "206148"], ["287389", "242177"])
m("proyectos de alcantarillado sanitario", ["242177", "206213"], ["287389"])
m("que proyectos son de arrastre", ["206148", "206213"])
m("cual es el proyecto nuevo del 2024", ["287389"])
m("hasta cuando va el pozo de chiquirin", ["2023-2025"])
# --- financiamiento ---
m("de donde sale el pisto de la muni", ["Situado constitucional", "Fonpetrol"])
m("ingresos propios cuanto son", ["298,040,400"])
m("fonpetrol", ["1,833,000"])
m("porcentaje forestal del inab de madera", ["3,500"])
m("iva paz cuanto se va a inversion", ["45,825,000"])
m("del iusi cuanto es para inversion y cuanto para funcionamiento", ["188,171,900", "80,645,100"])
m("situado constitucional que porcentaje va a inversion", ["90%"])
m("cuanto recaudan del impuesto de los carros", ["5,516,300"])
m("presupesto total 2024", ["688,310,200"])
m("cuanto se va a invertir en total este año", ["364,029,262.59"])
m("gasto de funcionamiento total", ["324,280,937.41"])
m("¿y cuánto suman todos los proyectos del consejo departamental?", ["18,819,178"])
m("iusi", ["268,817,000"])
# --- resultados PDM-OT (metas 2032) ---
m("meta de calidad del agua", ["88%"])
m("cuanto va a aumentar la produccion de agua", ["35%"])
m("suelo permeable hectareas 2032", ["100"])
m("a cuantas casas les van a tratar las aguas negras", ["50,000"])
m("mixco hambre cero que meta tiene", ["2.1"])
m("vivienda de interes social", ["1 modelo"])
m("meta de mixco saludable", ["50%"])
m("instrumentos de planificacion tactica para el empleo", ["4 instrumentos"])
m("capacitacion de la poblacion economicamente activa cuantas personas para 2032", ["6,000"])
m("indices IIC IGA IGF meta", ["0.68", "0.66"])
m("participacion de la gente en prevencion de la violencia meta 2032", ["30%"])
m("compus y tecnologia para estudiantes cuantas personas al año", ["30,000"])
m("meta de mujeres en programas de formacion", ["5,000"])
m("mejoras a escuelas publicas infraestructura", ["50%"])
m("refuerzo escolar y arte para chavos vulnerables", ["2,500"])
m("cuantas hectareas de parques y areas recreativas para el 2032", ["72"])
m("gestion de riesgo colredes meta", ["40%"])
m("¿y el plan de ordenamiento territorial?", ["Plan de Ordenamiento Territorial"])
m("metas d vasura para el 2032, cuanta cobertura", ["95%"])
m("alfabetisacion cuantas personas al año", ["600"])
m("participacion ciudadana meta del ranking 2032", ["0.75"])
m("indice de gestion financiera IGF meta", ["0.64"])
# --- tematicas / ejes ---
m("cuales son las tematicas del pdm", ["hambre cero", "transparente"])
m("ejes del plan mixco 2032", ["ambiental", "económico y territorial"])
m("mixco ordenado conectado y resiliente de q trata", ["movilidad"])
m("mixco transparente", ["gobierno abierto"])
m("mixco incluyente y solidario", ["55%"])
# --- actores ---
m("que hace segeplan en el plan", ["Validación"])
m("y el MARN?", ["Ministerio de Ambiente"])
m("la pnc que papel tiene", ["Apoyo logístico"])
m("cocodes que rol tienen", ["auditoría social"])
m("conap", ["Consejo Nacional de Áreas Protegidas"])
# --- leyes ---
m("ley del iusi decreto", ["15-98"])
m("ley de consejos de desarrollo urbano y rural numero", ["11-2002"])
m("ley general de descentralizacion", ["14-2002"])
m("ley de proteccion y mejoramiento del medio ambiente", ["68-86"])
m("reglamento de descargas de aguas residuales", ["236-2006"])
m("ley de dignificacion de la mujer", ["27-2003"])
# --- marco estrategico ---
m("cuantas prioridades nacionales de desarrollo hay", ["diez"])
m("cuando se aprobo el plan mixco 2032", ["2018"])
m("cual es la vision del plan mixco 2032", ["ciudad de todos"])
m("mision de la muni", ["Mixco mejor"])
m("objetivo institucional", ["Administrar con eficiencia"])
m("objetivo del poa 2024", ["proyectos institucionales"])
m("objetivo del plan operativo multianual", ["modernización"])
# --- acciones operativas / POM ---
m("limpiando mixco", ["desechos sólidos"])
m("van a mejorar el alumbrado?", ["sistema de iluminación"])
m("lineas del pom 2024-2028 para hambre cero", ["vulnerabilidad alimentaria"])
m("el plan tiene algo de clases de ingles?", ["segundo idioma"])
# --- ranking / gobernanza ---
m("como salio mixco en el ranking de gestion municipal", ["categoría media"])
m("la muni tiene app?", ["MixcoAPP"])
# --- politicas de seguridad ---
m("teatro movil salvando vidas a cuantos niños", ["60,000"])
m("cuantos pilotos de bus van a capacitar", ["3,000"])
m("capacitaciones sobre violencia contra la mujer cuantas", ["80"])
m("van a poner detectores de velocidad?", ["ocho"])
m("cuantos jovenes capacitan en cultura y deporte para prevenir violencia armada", ["4,700"])
m("observatorio de seguridad", ["Observatorio Municipal de Seguridad Ciudadana"])
m("politica de seguridad ciudadana de que años es", ["2014-2029"])
m("capacitaciones sobre patrones de crianza", ["2750"])
# --- potencialidades / problemas ---
m("q cosas buenas tiene mixco", ["área protegida"])
m("problemas del municipio con la inseguridad", ["inseguridad"])
m("por que a la muni no le alcanza el dinero", ["Ingresos municipales insuficientes"])
m("problema del trafico y transporte en mixco", ["vehículo particular"])
# --- abstain ---
for q in ["a que hora abre la muni el sabado",
          "numero de telefono de la pnc de mixco",
          "donde pago el iusi",
          "el tren de aseo no ha pasado en 2 semanas por mi casa q hago",
          "¿cuánto gana el alcalde?",
          "quien es el alcalde de mixco",
          "proyectos en Villa Nueva",
          "proyecto 123456",
          "snip 300000",
          "va a llover mañana en mixco?",
          "receta de hilachas",
          "quien gano el clasico rojos vs cremas",
          "me robaron el cel en la camioneta q hago",
          "requisitos para la licencia de construccion",
          "cuanto es la multa por pasarse un semaforo en rojo",
          "cuanto cuesta la tarifa del agua al mes",
          "hay chamba en la muni? ando buscando trabajo",
          "precio del dolar hoy",
          "noticias de hoy guatemala",
          "cuantos habitantes tiene mixco"]:
    ab(q)
# --- greetings ---
for q in ["hola", "buenas tardes", "gracias!", "que puedes hacer", "buenas seño",
          "ok muchas gracias muy amable", "ayuda", "q onda bot"]:
    gr(q)

import os
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "questions-heldout.jsonl"), "w", encoding="utf-8") as f:
    for d in Q:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(Q))
