{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Condition": "{% $states.input.x > 1 %}",
     "Next": "A",
     "Assign": {
      "v": "{% 1 %}"
     }
    }
   ],
   "Default": "A"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 },
 "QueryLanguage": "JSONata"
}