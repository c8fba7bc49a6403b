namespace Conversations.RealtimeEngine.Responders;

/// <summary>The built-in scripts, one per default character.</summary>
internal static class CounsellingScripts
{
    public static IReadOnlyDictionary<string, CounsellingScript> All { get; } = new Dictionary<string, CounsellingScript>(StringComparer.Ordinal)
    {
        ["internal-medicine"] = new(
            "internal-medicine",
            "Hello, I'm here to help with general health questions. What has been bothering you?",
            "안녕하세요, 일반적인 건강 고민을 함께 살펴 드릴게요. 어디가 불편하세요?",
            [
                new(["headache", "head", "migraine"], ["I'm sorry your head hurts. Rest, water and a quiet dark room often help. If it is sudden and severe, or comes with weakness or confusion, please get emergency care."]),
                new(["fever", "temperature", "cold", "flu", "cough"], ["That sounds uncomfortable. Drink plenty of fluids and rest. If the fever stays above 39 degrees or you find it hard to breathe, please see a doctor soon."]),
                new(["stomach", "pain", "ache", "nausea"], ["I understand, pain is tiring. Can you tell me where it hurts and how long it has lasted? Severe or worsening pain should be checked by a doctor."]),
                new(["blood pressure", "diabetes", "sugar", "cholesterol"], ["Good that you keep an eye on it. Regular checks, a balanced diet and daily movement make a real difference. Your doctor can tell you the targets that fit you."]),
                new(["medicine", "medication", "pill", "dose"], ["Please take medicines only as prescribed. Your pharmacist can check doses and interactions for you."]),
            ],
            [
                new(["두통", "머리"], ["머리가 아프시군요. 충분히 쉬고 물을 드셔 보세요. 갑자기 심하게 아프거나 힘이 빠지면 바로 응급실에 가셔야 해요."]),
                new(["열", "감기", "기침"], ["많이 불편하시겠어요. 물을 충분히 드시고 푹 쉬세요. 열이 계속 높거나 숨쉬기 힘들면 병원에 꼭 가 보세요."]),
                new(["배", "통증", "아파"], ["아프시다니 걱정이에요. 어디가 언제부터 아팠는지 말씀해 주시겠어요? 심해지면 진료를 받아 보세요."]),
            ],
            ["I see. Can you tell me a little more about your symptoms and when they started?", "Thank you for explaining. How is this affecting your daily life?"],
            ["그렇군요. 증상이 언제부터 어떻게 나타났는지 조금 더 말씀해 주시겠어요?", "말씀해 주셔서 고마워요. 일상생활에는 어떤 영향이 있나요?"]),

        ["mental-health"] = new(
            "mental-health",
            "Hi, I'm glad you're here. How are you feeling today?",
            "안녕하세요, 찾아 주셔서 반가워요. 오늘 기분은 어떠세요?",
            [
                new(["sad", "down", "depressed", "lonely", "cry"], ["I'm sorry you're feeling this way. It takes courage to say it. Would you like to tell me what has been weighing on you?"]),
                new(["anxious", "anxiety", "worried", "nervous", "panic", "stress", "stressed"], ["That sounds really stressful. Let's slow down together: breathe in for four counts, and out for six. What is worrying you most right now?"]),
                new(["sleep", "tired", "insomnia"], ["Poor sleep makes everything feel heavier. A steady bedtime and less screen time before bed can help. How long has sleep been difficult?"]),
                new(["angry", "frustrated", "annoyed"], ["It's okay to feel angry. Naming it is a good first step. What happened that made you feel this way?"]),
                new(["how are you", "fine", "good", "okay"], ["I'm doing well, thank you for asking. I'm here for you. What would you like to talk about today?"]),
            ],
            [
                new(["우울", "슬퍼", "외로", "힘들"], ["그런 마음이 드셨군요. 말해 주셔서 고마워요. 어떤 일이 가장 마음을 무겁게 하나요?"]),
                new(["불안", "걱정", "스트레스", "긴장"], ["많이 불안하셨겠어요. 같이 천천히 숨을 쉬어 봐요. 지금 가장 걱정되는 건 무엇인가요?"]),
                new(["잠", "피곤", "불면"], ["잠을 못 자면 모든 게 더 힘들게 느껴지죠. 언제부터 잠들기 어려우셨나요?"]),
            ],
            ["I'm listening. Can you tell me more about that?", "That sounds important. How did it make you feel?"],
            ["듣고 있어요. 조금 더 이야기해 주시겠어요?", "중요한 이야기네요. 그때 기분이 어떠셨어요?"]),

        ["nutrition"] = new(
            "nutrition",
            "Hello, let's talk about food and healthy eating. What would you like help with?",
            "안녕하세요, 식사와 건강한 식습관에 대해 이야기해 봐요. 무엇이 궁금하세요?",
            [
                new(["weight", "lose", "diet", "fat"], ["Small steady changes work best. Try filling half your plate with vegetables and keeping regular meal times. What does a usual day of eating look like for you?"]),
                new(["breakfast", "lunch", "dinner", "meal", "eat"], ["A balanced meal has vegetables, some protein and whole grains. Would you like a simple idea for your next meal?"]),
                new(["sugar", "sweet", "snack", "soda"], ["Cutting back slowly is easier than stopping at once. Fruit, nuts or yogurt make good swaps for sweet snacks."]),
                new(["water", "drink", "thirsty"], ["Most adults do well with about six to eight glasses of fluid a day, more when it's hot or you exercise."]),
                new(["protein", "vegetarian", "vegan"], ["Beans, lentils, tofu, eggs and dairy are all good protein sources. Spreading protein across meals helps you feel full."]),
            ],
            [
                new(["살", "다이어트", "체중"], ["조금씩 꾸준히 바꾸는 게 가장 좋아요. 접시의 절반을 채소로 채워 보세요. 평소 식사는 어떠세요?"]),
                new(["아침", "점심", "저녁", "식사", "밥"], ["균형 잡힌 식사에는 채소, 단백질, 통곡물이 들어가요. 다음 식사 아이디어를 드릴까요?"]),
                new(["단", "간식", "설탕"], ["단 것은 한 번에 끊기보다 천천히 줄이는 게 쉬워요. 과일이나 견과류로 바꿔 보세요."]),
            ],
            ["Thanks for sharing. What are your goals for your eating habits?", "Good question. Do you have any allergies or foods you avoid?"],
            ["말씀해 주셔서 고마워요. 식습관에서 어떤 목표가 있으세요?", "좋은 질문이에요. 알레르기나 피하는 음식이 있나요?"]),

        ["womens-health"] = new(
            "womens-health",
            "Hello, this is a safe space for questions about women's health. How can I help?",
            "안녕하세요, 여성 건강에 대해 편하게 물어보세요. 무엇을 도와드릴까요?",
            [
                new(["period", "cycle", "menstrual", "cramps"], ["Period pain is common, and warmth, gentle movement and rest can ease it. Very heavy bleeding or pain that stops daily life should be checked by a doctor."]),
                new(["pregnant", "pregnancy", "baby"], ["Congratulations on looking after yourself. Regular prenatal checkups, folic acid and rest are important. Any bleeding or severe pain needs urgent care."]),
                new(["menopause", "hot flash", "flushes"], ["Menopause can bring hot flashes and poor sleep. Layers, regular exercise and talking with your doctor about options can help."]),
                new(["breast", "lump"], ["Thank you for paying attention to that. Please book a doctor's visit to have any new lump checked; most are harmless, but it's important to be sure."]),
            ],
            [
                new(["생리", "월경", "생리통"], ["생리통은 흔하지만 힘들죠. 따뜻하게 하고 쉬면 도움이 돼요. 통증이 너무 심하면 진료를 받아 보세요."]),
                new(["임신", "아기"], ["정기 검진과 엽산, 충분한 휴식이 중요해요. 출혈이나 심한 통증이 있으면 바로 병원에 가세요."]),
                new(["갱년기", "폐경"], ["갱년기에는 열감이나 수면 문제가 생길 수 있어요. 규칙적인 운동과 의사와의 상담이 도움이 돼요."]),
            ],
            ["I understand. Can you tell me a bit more so I can help?", "Thank you for sharing that. How long has this been going on?"],
            ["그렇군요. 조금 더 말씀해 주시면 도와드릴게요.", "말씀해 주셔서 고마워요. 언제부터 그러셨나요?"]),

        ["children"] = new(
            "children",
            "Hi there! I'm happy to talk with you. What's on your mind today?",
            "안녕! 만나서 반가워. 오늘은 무슨 이야기를 하고 싶어?",
            [
                new(["school", "homework", "teacher", "exam"], ["School can feel like a lot sometimes. What part is the hardest for you right now?"]),
                new(["friend", "friends", "bully", "bullied", "mean"], ["Friendships can be tricky. If someone is being mean to you, it's really important to tell a trusted adult. What happened?"]),
                new(["parents", "mom", "dad", "family"], ["Families don't always agree, and that's normal. Have you been able to tell them how you feel?"]),
                new(["game", "games", "phone", "screen"], ["Games can be fun! Taking breaks to move around and rest your eyes helps you feel good too."]),
            ],
            [
                new(["학교", "숙제", "시험", "선생님"], ["학교 일이 많이 힘들 때가 있지. 지금 제일 어려운 게 뭐야?"]),
                new(["친구", "괴롭", "따돌"], ["친구 관계는 어려울 수 있어. 누가 괴롭히면 꼭 믿을 수 있는 어른에게 말해야 해. 무슨 일이 있었어?"]),
                new(["엄마", "아빠", "부모", "가족"], ["가족끼리 생각이 다를 때도 있어. 그건 자연스러운 일이야. 네 마음을 말해 본 적 있어?"]),
            ],
            ["That's interesting! Tell me more.", "Thanks for telling me. How did that make you feel?"],
            ["그렇구나! 더 이야기해 줄래?", "말해 줘서 고마워. 그때 기분이 어땠어?"]),

        ["geriatrics"] = new(
            "geriatrics",
            "Hello, it's nice to talk with you. How have you been keeping?",
            "안녕하세요, 이야기 나누게 되어 반가워요. 요즘 어떻게 지내세요?",
            [
                new(["fall", "fell", "balance", "dizzy"], ["I'm sorry to hear that. Falls should always be checked by a doctor. Good lighting, a clear floor and sturdy shoes help prevent them."]),
                new(["memory", "forget", "forgetful"], ["Forgetting things now and then is common. If it's getting worse or worrying your family, a doctor can check it gently."]),
                new(["joint", "knee", "back", "arthritis", "pain"], ["Aches can make the day harder. Gentle walking, warmth and regular movement often help. Your doctor can suggest safe pain relief."]),
                new(["lonely", "alone", "family"], ["It's natural to miss company. A regular call with family or a local community group can brighten the week. Who do you enjoy talking with?"]),
            ],
            [
                new(["넘어", "어지러", "균형"], ["걱정되시겠어요. 넘어지셨다면 꼭 진료를 받아 보세요. 밝은 조명과 미끄럽지 않은 신발이 도움이 돼요."]),
                new(["기억", "깜빡", "잊어"], ["가끔 잊는 건 흔한 일이에요. 점점 심해진다면 병원에서 편하게 검사를 받아 보세요."]),
                new(["무릎", "허리", "관절", "아파"], ["아프시면 하루가 더 힘드시죠. 가벼운 산책과 따뜻한 찜질이 도움이 될 수 있어요."]),
                new(["외로", "혼자", "가족"], ["사람이 그리울 때가 있지요. 가족과 정기적으로 통화하거나 동네 모임에 나가 보시는 건 어떠세요?"]),
            ],
            ["I see. Please tell me more about that.", "Thank you for telling me. How are you sleeping and eating these days?"],
            ["그러셨군요. 조금 더 이야기해 주세요.", "말씀해 주셔서 고마워요. 요즘 식사와 잠은 어떠세요?"]),
    };
}
