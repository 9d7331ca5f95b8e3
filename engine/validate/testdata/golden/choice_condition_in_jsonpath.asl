{
 "StartAt": "C",
 "States": {
  "C": {
   "Type": "Choice",
   "Choices": [
    {
     "Condition": "{% true %}",
     "Next": "A"
    }
   ],
   "Default": "A"
  },
  "A": {
   "Type": "Pass",
   "End": true
  }
 }
}